package uk.safeguarding.gateway.audit.witness;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.verify.ScratchChain;

/**
 * The gateway's side of witnessing: a witness that is down is retried from memory with backoff, the
 * backlog shows in gateway.audit.witness.behind and the failures in gateway.audit.witness.failures,
 * and beyond the queue's capacity the oldest checkpoints are dropped, the newest kept.
 */
class WitnessPusherTest {

    private final Path dir = Path.of("target", "witness-pusher-" + ProcessHandle.current().pid());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private WitnessPusher pusher;
    private WitnessServer witness;

    @AfterEach
    void stop() {
        if (pusher != null) {
            pusher.close();
        }
        if (witness != null) {
            witness.close();
        }
        ScratchChain.deleteTree(dir);
    }

    private static List<Checkpoint> checkpoints(int n) throws Exception {
        CheckpointSigner signer = new CheckpointSigner(ScratchChain.keyPair());
        List<Checkpoint> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] root = new byte[32];
            root[0] = (byte) i;
            list.add(signer.sign(i * 10L + 1, i * 10L + 10, root, root, Instant.now().truncatedTo(ChronoUnit.MICROS)));
        }
        return list;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private double behind() {
        return metrics.get("gateway.audit.witness.behind").tag("witness", "dpo-a").gauge().value();
    }

    private double failures() {
        return metrics.get("gateway.audit.witness.failures").tag("witness", "dpo-a").counter().count();
    }

    private WitnessPusher pusher(int port, int capacity) {
        return new WitnessPusher(List.of(new WitnessPusher.Endpoint("dpo-a", URI.create("http://127.0.0.1:" + port + "/checkpoints"),
                ScratchChain.WITNESS_SECRET)), capacity, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), metrics);
    }

    @Test
    void aWitnessThatIsDownIsRetriedFromMemoryUntilItHasEveryCheckpoint() throws Exception {
        int port = freePort();
        pusher = pusher(port, 100);
        List<Checkpoint> signed = checkpoints(3);
        signed.forEach(pusher::offer);
        await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 2);
        assertEquals(3, behind());

        witness = new WitnessServer(dir, new InetSocketAddress("127.0.0.1", port), List.of(ScratchChain.WITNESS_SECRET),
                ScratchChain.trustedKeys());
        await().atMost(Duration.ofSeconds(10)).until(() -> behind() == 0);
        assertEquals(3, witness.store().size());
        List<Checkpoint> copy = WitnessStore.read(witness.store().copyFile());
        for (int i = 0; i < 3; i++) {
            assertTrue(CheckpointJson.sameStatement(signed.get(i), copy.get(i)), "in order, as signed");
        }
    }

    @Test
    void beyondItsCapacityTheQueueDropsTheOldestAndKeepsTheNewest() throws Exception {
        int port = freePort();
        pusher = pusher(port, 2);
        List<Checkpoint> signed = checkpoints(5);
        signed.forEach(pusher::offer);
        await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 1);
        assertEquals(2, behind());

        witness = new WitnessServer(dir, new InetSocketAddress("127.0.0.1", port), List.of(ScratchChain.WITNESS_SECRET),
                ScratchChain.trustedKeys());
        await().atMost(Duration.ofSeconds(10)).until(() -> behind() == 0);
        List<Checkpoint> copy = WitnessStore.read(witness.store().copyFile());
        assertEquals(2, copy.size());
        assertEquals(40, copy.get(0).lastSeq());
        assertEquals(50, copy.get(1).lastSeq(), "the newest checkpoint, whose last hash commits to everything before it");
    }

    @Test
    void aCheckpointTheWitnessRefusesAsInvalidIsDroppedAndDoesNotBlockTheOthers() throws Exception {
        int port = freePort();
        witness = new WitnessServer(dir, new InetSocketAddress("127.0.0.1", port), List.of(ScratchChain.WITNESS_SECRET),
                ScratchChain.trustedKeys());
        pusher = pusher(port, 100);
        List<Checkpoint> signed = checkpoints(2);
        Checkpoint good = signed.get(1);
        byte[] junk = good.signature().clone();
        junk[0] ^= 1;
        Checkpoint forged = new Checkpoint(1, 10, good.root(), good.lastHash(), good.signedAt(), good.keyId(), good.algorithm(), junk);
        pusher.offer(forged);
        pusher.offer(good);
        await().atMost(Duration.ofSeconds(10)).until(() -> behind() == 0);
        assertEquals(1, witness.store().size());
        assertEquals(1, failures());
        assertTrue(metrics.get("gateway.audit.witness.last.ack.age.seconds").tag("witness", "dpo-a").gauge().value() < 5);
    }
}
