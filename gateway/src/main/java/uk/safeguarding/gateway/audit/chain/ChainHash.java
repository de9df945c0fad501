package uk.safeguarding.gateway.audit.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The chain's hash function: {@code hash(n) = SHA-256(hash(n-1) || canonical(event n))}, with 32 zero
 * bytes before the first entry. Not thread-safe (one MessageDigest is reused).
 */
public final class ChainHash {

    public static final int SIZE = 32;
    /** prev_hash of seq 1. */
    public static final byte[] GENESIS = new byte[SIZE];

    private final MessageDigest sha256 = sha256();

    public byte[] link(byte[] previous, CanonicalEncoding event) {
        return link(previous, event.buffer(), event.length());
    }

    public byte[] link(byte[] previous, byte[] encodedEvent, int length) {
        sha256.update(previous);
        sha256.update(encodedEvent, 0, length);
        return sha256.digest();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }
}
