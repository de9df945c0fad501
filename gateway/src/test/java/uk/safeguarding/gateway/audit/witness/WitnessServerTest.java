package uk.safeguarding.gateway.audit.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.WebhookSigner;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.ScratchChain;

/**
 * bin/audit-witness's receiver on its own: it takes only pushes signed with its secret (checked against
 * the independent Standard Webhooks library's signatures) carrying a checkpoint signed by a trusted
 * gateway key, keeps them append-only across restarts, and refuses and records a different checkpoint
 * for entries it already witnessed.
 */
class WitnessServerTest {

    private final Path dir = Path.of("target", "witness-server-" + ProcessHandle.current().pid());
    private final HttpClient http = HttpClient.newHttpClient();
    private WitnessServer server;
    private CheckpointSigner gateway;

    @BeforeEach
    void start() throws Exception {
        server = ScratchChain.witness(dir);
        gateway = new CheckpointSigner(ScratchChain.keyPair());
    }

    @AfterEach
    void stop() {
        server.close();
        ScratchChain.deleteTree(dir);
    }

    private Checkpoint checkpoint(CheckpointSigner signer, long first, long last, int rootByte) {
        byte[] root = new byte[32];
        root[0] = (byte) rootByte;
        byte[] lastHash = new byte[32];
        lastHash[1] = (byte) last;
        return signer.sign(first, last, root, lastHash, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    private HttpResponse<String> push(String body, String secret, long timestamp) throws Exception {
        String id = "msg-" + System.nanoTime();
        String signature = new Webhook(secret).sign(id, timestamp, body);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/checkpoints"))
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> push(Checkpoint cp) throws Exception {
        return push(CheckpointJson.toJson(cp), ScratchChain.WITNESS_SECRET, Instant.now().getEpochSecond());
    }

    @Test
    void onlyPushesSignedWithItsSecretAndCheckpointsSignedByATrustedKeyAreKept() throws Exception {
        String body = CheckpointJson.toJson(checkpoint(gateway, 1, 10, 1));
        assertEquals(401, push(body, WebhookSigner.newSecret(), Instant.now().getEpochSecond()).statusCode());
        assertEquals(401, push(body, ScratchChain.WITNESS_SECRET, Instant.now().getEpochSecond() - 3600).statusCode(),
                "a captured push replayed an hour later");

        CheckpointSigner stranger = new CheckpointSigner(SigningKeys.generate());
        assertEquals(400, push(checkpoint(stranger, 1, 10, 1)).statusCode(), "signed by a key the witness was not given");
        Checkpoint genuine = checkpoint(gateway, 1, 10, 1);
        Checkpoint altered = new Checkpoint(1, 10, checkpoint(gateway, 1, 10, 2).root(), genuine.lastHash(), genuine.signedAt(),
                genuine.keyId(), genuine.algorithm(), genuine.signature());
        assertEquals(400, push(altered).statusCode(), "a root changed after signing");
        assertEquals(400, push("{\"firstSeq\":1}", ScratchChain.WITNESS_SECRET, Instant.now().getEpochSecond()).statusCode());
        assertEquals(0, server.store().size());
        assertTrue(!Files.exists(server.store().copyFile()) || Files.readString(server.store().copyFile()).isEmpty());

        HttpResponse<String> accepted = push(genuine);
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertTrue(accepted.body().contains("WITNESSED"), accepted.body());
        assertEquals(1, server.store().size());
    }

    @Test
    void theCopyIsIdempotentAppendOnlyAndRefusesAFork() throws Exception {
        Checkpoint first = checkpoint(gateway, 1, 10, 1);
        Checkpoint second = checkpoint(gateway, 11, 20, 2);
        assertEquals(200, push(first).statusCode());
        assertEquals(200, push(second).statusCode());
        HttpResponse<String> again = push(first);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("DUPLICATE"), again.body());

        HttpResponse<String> fork = push(checkpoint(gateway, 11, 20, 9));
        assertEquals(409, fork.statusCode(), fork.body());
        HttpResponse<String> overlap = push(checkpoint(gateway, 5, 25, 3));
        assertEquals(409, overlap.statusCode(), overlap.body());
        assertEquals(2, WitnessStore.read(server.store().conflictsFile()).size());

        // Restarted on the same directory: the copy is read back and still refuses the fork.
        server.close();
        server = new WitnessServer(dir, new InetSocketAddress("127.0.0.1", 0), List.of(ScratchChain.WITNESS_SECRET),
                ScratchChain.trustedKeys());
        assertEquals(2, server.store().size());
        assertEquals(409, push(checkpoint(gateway, 11, 20, 9)).statusCode());
        String served = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/checkpoints")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<Checkpoint> copy = served.lines().map(CheckpointJson::parse).toList();
        assertEquals(2, copy.size());
        assertTrue(CheckpointJson.sameStatement(first, copy.get(0)) && CheckpointJson.sameStatement(second, copy.get(1)));
        assertTrue(SigningKeys.verify(gateway.publicKey(), copy.get(1).signedMessage(), copy.get(1).signature()),
                "the served copy still verifies");
    }

    @Test
    void theWitnessRefusesToStartWithoutASecretOrAKey() throws Exception {
        var err = new java.io.ByteArrayOutputStream();
        assertEquals(null, WitnessServer.start(new String[] {"--dir", dir.toString(), "--port", "0"},
                new java.io.PrintStream(err, true)));
        assertTrue(err.toString().contains("secret") || err.toString().contains("key"), err.toString());
    }

    @Test
    void byDefaultItListensOnLoopbackOnlyAndServesTheCopyAfterASequence() throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Path secretFile = dir.resolve("secret");
        java.nio.file.Files.writeString(secretFile, ScratchChain.WITNESS_SECRET + "\n");
        WitnessServer started = WitnessServer.start(new String[] {"--dir", dir.resolve("other").toString(), "--port", "0",
                "--secret-file", secretFile.toString(), "--public-key", "src/test/resources/audit-keys/ed25519-public.pem"},
                System.err);
        try {
            assertTrue(started.address().getAddress().isLoopbackAddress(), started.address().toString());
        } finally {
            started.close();
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(200, push(checkpoint(gateway, i * 10 + 1, i * 10 + 10, i)).statusCode());
        }
        String url = "http://127.0.0.1:" + server.port() + "/checkpoints";
        HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(url + "?after=10")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<Long> ends = after.body().lines().map(line -> CheckpointJson.parse(line).lastSeq()).toList();
        assertEquals(List.of(20L, 30L), ends);
        assertEquals(3, http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body().lines().count());
    }
}
