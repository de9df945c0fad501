package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.chain.MerkleTree;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.ChainVerifier.ChainRow;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;

/**
 * Key rotation as an operator does it (docs/OPERATIONS.md): checkpoints signed with the old key, then
 * the new key configured with the old public key kept in trusted-public-keys. Also the production
 * refusal to start without a key. Keys are loaded from PEM files through the gateway's own loader.
 */
class KeyRotationTest {

    @TempDir
    Path dir;

    /** The signing settings as configuration would give them. */
    record Signing(Optional<String> privateKey, Optional<String> publicKey, String generatedKeyDirectory,
            boolean generateIfMissing, Optional<List<String>> trustedPublicKeys, boolean required) implements AuditConfig.Signing {
    }

    private Signing configured(String name, List<String> trusted) throws IOException {
        KeyPair pair = SigningKeys.generate();
        Path priv = dir.resolve(name + "-private.pem");
        Path pub = dir.resolve(name + "-public.pem");
        Files.writeString(priv, SigningKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(pub, SigningKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return new Signing(Optional.of(priv.toString()), Optional.of(pub.toString()), dir.resolve("gen").toString(), false,
                Optional.of(trusted), true);
    }

    private static Checkpoint sign(CheckpointSigner signer, List<ChainRow> rows, int first, int last) {
        MerkleTree tree = new MerkleTree();
        for (int s = first; s <= last; s++) {
            tree.addEntry(rows.get(s - 1).hash());
        }
        return signer.sign(first, last, tree.root(), rows.get(last - 1).hash(), Instant.parse("2025-03-01T10:00:00Z"));
    }

    private static VerificationReport verify(CheckpointSigner signer, List<ChainRow> rows, List<Checkpoint> checkpoints) {
        ChainVerifier verifier = new ChainVerifier(signer.trustedKeys(), checkpoints);
        rows.forEach(verifier::accept);
        return verifier.finish(0, 1);
    }

    @Test
    void checkpointsSignedBeforeARotationStillVerifyWithTheOldPublicKeyTrusted() throws IOException {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        Signing oldKey = configured("old", List.of());
        CheckpointSigner before = new CheckpointSigner(oldKey);
        Checkpoint first = sign(before, rows, 1, 10);

        CheckpointSigner after = new CheckpointSigner(configured("new", List.of(oldKey.publicKey().get())));
        Checkpoint second = sign(after, rows, 11, 20);
        assertTrue(!first.keyId().equals(second.keyId()), "the rotation changed the signing key");

        VerificationReport report = verify(after, rows, List.of(first, second));
        assertTrue(report.intact(), "old and new checkpoints verify after the rotation: " + report.problems());
        assertEquals(2, report.checkpointsChecked());
    }

    @Test
    void aCheckpointByAKeyNotInTheListIsAFinding() throws IOException {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        Checkpoint byForgottenKey = sign(new CheckpointSigner(configured("forgotten", List.of())), rows, 1, 10);
        CheckpointSigner current = new CheckpointSigner(configured("current", List.of()));
        Checkpoint second = sign(current, rows, 11, 20);

        VerificationReport report = verify(current, rows, List.of(byForgottenKey, second));
        assertEquals(Kind.UNKNOWN_KEY, report.firstProblem().kind());
        assertTrue(report.firstProblem().detail().contains(byForgottenKey.keyId()), report.firstProblem().detail());
    }

    @Test
    void aRequiredKeyThatIsMissingRefusesTheStartAndSaysHowToProvideOne() {
        Signing none = new Signing(Optional.empty(), Optional.empty(), dir.resolve("gen").toString(), false, Optional.empty(), true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CheckpointSigner(none));
        for (String hint : List.of("gateway.audit.signing.private-key", "GATEWAY_AUDIT_SIGNING_PRIVATE_KEY",
                "gateway-audit-signing-key", "docs/OPERATIONS.md")) {
            assertTrue(e.getMessage().contains(hint), "the message names " + hint + ": " + e.getMessage());
        }
        Signing missingFile = new Signing(Optional.of(dir.resolve("absent-private.pem").toString()),
                Optional.of(dir.resolve("absent-public.pem").toString()), dir.resolve("gen").toString(), false, Optional.empty(), true);
        String message = assertThrows(IllegalStateException.class, () -> new CheckpointSigner(missingFile)).getMessage();
        assertTrue(message.contains("absent-private.pem") && message.contains("gateway-audit-signing-key"), message);
        Signing optional = new Signing(Optional.empty(), Optional.empty(), dir.resolve("gen").toString(), false, Optional.empty(), false);
        assertTrue(!new CheckpointSigner(optional).enabled(), "without required, the chain runs unsigned");
    }
}
