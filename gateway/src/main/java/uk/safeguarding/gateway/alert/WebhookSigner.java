package uk.safeguarding.gateway.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): {@code v1,} + base64 of
 * HMAC-SHA256 over {@code id.timestamp.body}, keyed with the base64 part of a {@code whsec_} secret.
 * With two live secrets (a rotation) the header carries both signatures, separated by a space.
 */
public final class WebhookSigner {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSigner() {
    }

    /** A new secret: 32 random bytes, base64, with the {@code whsec_} prefix. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** True when the secret is {@code whsec_} + base64 of 24 to 64 bytes. */
    public static boolean isValidSecret(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(secret.substring(PREFIX.length())).length;
            return length >= 24 && length <= 64;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The {@code webhook-signature} header value for this message under every live secret. */
    public static String signatureHeader(String msgId, long timestampSeconds, String body, List<String> secrets) {
        List<String> parts = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            parts.add("v1," + sign(secret, msgId + "." + timestampSeconds + "." + body));
        }
        return String.join(" ", parts);
    }

    /**
     * True when any signature in a received {@code webhook-signature} header is this message's under
     * any of the receiver's secrets (constant-time comparison); for receivers we ship (bin/audit-witness).
     */
    public static boolean matches(String header, String msgId, long timestampSeconds, String body, List<String> secrets) {
        if (header == null) {
            return false;
        }
        for (String secret : secrets) {
            byte[] expected = ("v1," + sign(secret, msgId + "." + timestampSeconds + "." + body)).getBytes(StandardCharsets.US_ASCII);
            for (String part : header.trim().split(" +")) {
                if (java.security.MessageDigest.isEqual(expected, part.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
