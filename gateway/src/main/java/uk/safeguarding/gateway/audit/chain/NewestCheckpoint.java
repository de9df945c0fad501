package uk.safeguarding.gateway.audit.chain;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Map;

/**
 * The newest audit_checkpoint row, checked before anything builds on it: signed by a trusted key,
 * ending within the chain, stating the chain's hash there. The runtime role can insert checkpoint
 * rows (V71_3 refuses a row that does not continue the chain; a superuser can switch that off), so a
 * row is not trusted merely for being there. {@code problem} is null when the row is valid or absent.
 */
public record NewestCheckpoint(Checkpoint checkpoint, long previousLastSeq, String problem) {

    private static final String NEWEST = """
            SELECT c.first_seq, c.last_seq, c.root, c.last_hash, c.signed_at, c.key_id, c.algorithm, c.signature,
                   a.hash AS chain_hash,
                   (SELECT coalesce(max(p.last_seq), 0) FROM audit_checkpoint p WHERE p.last_seq < c.last_seq) AS previous_last
            FROM (SELECT * FROM audit_checkpoint ORDER BY last_seq DESC LIMIT 1) c
            LEFT JOIN audit_chain a ON a.seq = c.last_seq""";

    public static Uni<NewestCheckpoint> read(SqlClient client, Map<String, PublicKey> trustedKeys) {
        return client.query(NEWEST).execute().map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return new NewestCheckpoint(null, 0, null);
            }
            Row row = it.next();
            Checkpoint cp = new Checkpoint(row.getLong("first_seq"), row.getLong("last_seq"),
                    row.getBuffer("root").getBytes(), row.getBuffer("last_hash").getBytes(),
                    row.getOffsetDateTime("signed_at").toInstant(), row.getString("key_id"), row.getString("algorithm"),
                    row.getBuffer("signature").getBytes());
            byte[] chainHash = row.getBuffer("chain_hash") == null ? null : row.getBuffer("chain_hash").getBytes();
            return new NewestCheckpoint(cp, row.getLong("previous_last"), problem(cp, chainHash, trustedKeys));
        });
    }

    static String problem(Checkpoint cp, byte[] chainHash, Map<String, PublicKey> trustedKeys) {
        PublicKey key = trustedKeys.get(cp.keyId());
        if (key == null) {
            return "signed by key " + cp.keyId() + ", which is not trusted";
        }
        byte[] message = cp.signedMessage();
        if (!VERIFIED.holds(key, message, cp.signature())) {
            if (!SigningKeys.verify(key, message, cp.signature())) {
                return "its signature does not verify";
            }
            VERIFIED.remember(key, message, cp.signature());
        }
        if (chainHash == null) {
            return "it ends beyond the chain";
        }
        if (!Arrays.equals(chainHash, cp.lastHash())) {
            return "it does not state the chain's hash at entry " + cp.lastSeq();
        }
        return null;
    }

    /**
     * The last signature that verified. Every sealer tick reads the newest checkpoint, which changes only
     * when a checkpoint is signed, and Ed25519 verification was 7.6% of the gateway's CPU under intake load
     * (issue 25). A verification's answer depends only on key, message and signature, so the same three,
     * compared in full, need not be verified again; anything else is verified as before.
     */
    private static final Verified VERIFIED = new Verified();

    private static final class Verified {
        private record Triple(PublicKey key, byte[] message, byte[] signature) {
        }

        private volatile Triple last;

        boolean holds(PublicKey key, byte[] message, byte[] signature) {
            Triple t = last;
            return t != null && t.key().equals(key) && Arrays.equals(t.message(), message)
                    && Arrays.equals(t.signature(), signature);
        }

        void remember(PublicKey key, byte[] message, byte[] signature) {
            last = new Triple(key, message.clone(), signature.clone());
        }
    }

    public boolean valid() {
        return problem == null;
    }

    /** The last entry a valid checkpoint covers (with an invalid newest row: the one before it, unchecked). */
    public long coveredTo() {
        return checkpoint == null ? 0 : valid() ? checkpoint.lastSeq() : previousLastSeq;
    }

    public byte[] lastHash() {
        return checkpoint == null ? ChainHash.GENESIS : checkpoint.lastHash();
    }
}
