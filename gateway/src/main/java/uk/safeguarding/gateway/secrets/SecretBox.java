package uk.safeguarding.gateway.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets the gateway must keep in the database in usable form (webhook signing secrets,
 * OAuth client secrets of recipients): AES-256-GCM with the JDK's provider, a fresh random 96-bit
 * nonce per value, and the key id in the stored form, {@code gcm1:<key id>:<base64url(nonce ||
 * ciphertext || tag)>}, so values written under a previous key stay readable after a rotation.
 * The associated data names what the value is ({@code context}), so a ciphertext copied into another
 * column does not decrypt there. Pure Java, no Quarkus: the tests and tools use it as is.
 */
public final class SecretBox {

    public static final String PREFIX = "gcm1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String currentId;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();

    /**
     * @param current the key new values are written under, as {@code <id>:<base64 of 32 bytes>}
     * @param previous keys still accepted for reading, same form
     */
    public SecretBox(String current, List<String> previous) {
        this.currentId = add(current, "gateway.secrets.key");
        for (String key : previous) {
            add(key, "gateway.secrets.previous-keys");
        }
    }

    private String add(String spec, String setting) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(setting + " must be <key id>:<base64 of 32 random bytes>");
        }
        String id = spec.substring(0, colon);
        if (!id.matches("[A-Za-z0-9._-]{1,40}")) {
            throw new IllegalArgumentException(setting + ": the key id may hold letters, digits, '.', '_' and '-' only");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(spec.substring(colon + 1).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": key " + id + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(setting + ": key " + id + " must be 32 bytes (AES-256), not " + bytes.length);
        }
        if (keys.putIfAbsent(id, new SecretKeySpec(bytes, "AES")) != null) {
            throw new IllegalArgumentException(setting + ": key id " + id + " is configured twice");
        }
        return id;
    }

    /** The id of the key new values are encrypted with. */
    public String currentKeyId() {
        return currentId;
    }

    /** True when {@code stored} is in the encrypted form (of any key), false for a plaintext left from before. */
    public static boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The key id a stored value was encrypted with, or null for plaintext. */
    public static String keyIdOf(String stored) {
        if (!isEncrypted(stored)) {
            return null;
        }
        int end = stored.indexOf(':', PREFIX.length());
        return end < 0 ? null : stored.substring(PREFIX.length(), end);
    }

    /** True when this box holds the key {@code stored} was encrypted with. */
    public boolean canDecrypt(String stored) {
        String id = keyIdOf(stored);
        return id != null && keys.containsKey(id);
    }

    public String encrypt(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(currentId), nonce, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + currentId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * The plaintext of a stored value. Throws {@link SecretUnavailableException} (naming the key id, never
     * the value) when the key is not configured or the value was altered or moved.
     */
    public String decrypt(String stored, String context) {
        String id = keyIdOf(stored);
        if (id == null) {
            throw new SecretUnavailableException("the stored value is not encrypted (" + PREFIX + ")");
        }
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new SecretUnavailableException("encrypted under key " + id + ", which is not configured "
                    + "(gateway.secrets.key or gateway.secrets.previous-keys)");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(stored.substring(PREFIX.length() + id.length() + 1));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new SecretUnavailableException("encrypted value under key " + id + " is truncated");
            }
            byte[] nonce = java.util.Arrays.copyOf(in, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, context);
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretUnavailableException("encrypted value under key " + id + " fails authentication (altered, or stored as another kind of secret)");
        }
    }

    /** Under the current key: the value as stored if it already is, else re-encrypted (plaintext or an older key). */
    public String reencrypt(String stored, String context) {
        if (currentId.equals(keyIdOf(stored))) {
            return stored;
        }
        return encrypt(isEncrypted(stored) ? decrypt(stored, context) : stored, context);
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** A stored secret that cannot be used: unknown key, altered value, or plaintext where none may be. */
    public static final class SecretUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SecretUnavailableException(String message) {
            super(message);
        }
    }
}
