package uk.safeguarding.gateway.audit.chain;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement about chain entries {@code firstSeq..lastSeq}: their RFC 6962 Merkle root, and
 * the chain hash at {@code lastSeq} (which commits to every earlier entry too). The signature is
 * Ed25519 over {@link #signedMessage()}.
 */
public record Checkpoint(long firstSeq, long lastSeq, byte[] root, byte[] lastHash, Instant signedAt, String keyId,
        String algorithm, byte[] signature) {

    /** Domain separation: a signature over a checkpoint can never be mistaken for any other signed thing. */
    public static final String CONTEXT = "safeguarding-gateway/audit-checkpoint/v1";

    /**
     * The exact bytes signed, each field length-prefixed like the event encoding: context, first_seq
     * (int64), last_seq (int64), root (32), last_hash (32), signed_at (int64 microseconds), key_id (UTF-8).
     */
    public byte[] signedMessage() {
        return signedMessage(firstSeq, lastSeq, root, lastHash, signedAt, keyId);
    }

    public static byte[] signedMessage(long firstSeq, long lastSeq, byte[] root, byte[] lastHash, Instant signedAt,
            String keyId) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
            DataOutputStream out = new DataOutputStream(bytes);
            field(out, CONTEXT.getBytes(StandardCharsets.UTF_8));
            out.writeInt(8);
            out.writeLong(firstSeq);
            out.writeInt(8);
            out.writeLong(lastSeq);
            field(out, root);
            field(out, lastHash);
            out.writeInt(8);
            out.writeLong(CanonicalEncoding.micros(signedAt));
            field(out, keyId.getBytes(StandardCharsets.UTF_8));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void field(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
