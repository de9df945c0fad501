package uk.safeguarding.gateway.console;

import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Signed double-submit tokens for the console's forms: a random nonce and an HMAC of it with the
 * signed-in person's subject, {@code nonce.mac}. The same token travels in a cookie and in a hidden form
 * field; a form post is accepted only if both are present, equal, and signed for the person posting. A
 * site that can plant a cookie cannot forge one (no key), nor reuse another person's. Hand-rolled because
 * quarkus-rest-csrf 3.34.2 is not in the registry this project builds from.
 */
@Singleton
public class CsrfTokens {

    private static final Logger LOG = Logger.getLogger(CsrfTokens.class);
    private static final int NONCE_BYTES = 24;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    CsrfTokens(ConsoleConfig config) {
        byte[] secret = config.csrfSecret().filter(s -> s.length() >= 32).map(s -> s.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
        if (secret == null) {
            if (config.csrfSecret().isPresent()) {
                LOG.warn("gateway.console.csrf-secret is shorter than 32 characters; a random key is used instead");
            }
            secret = new byte[32];
            random.nextBytes(secret);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A new token for this subject. */
    public String issue(String subject) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        String encoded = B64.encodeToString(nonce);
        return encoded + "." + B64.encodeToString(mac(encoded, subject));
    }

    /** Whether the token was issued by this key for this subject. */
    public boolean valid(String token, String subject) {
        if (token == null || subject == null || token.length() > 200) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        byte[] expected = mac(token.substring(0, dot), subject);
        return MessageDigest.isEqual(B64.encodeToString(expected).getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(String nonce, String subject) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal((nonce + "|" + subject).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
