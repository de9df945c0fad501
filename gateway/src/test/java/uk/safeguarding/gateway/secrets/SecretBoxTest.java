package uk.safeguarding.gateway.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.secrets.SecretBox.SecretUnavailableException;

/** AES-GCM at rest: fresh nonces, the key id stored with each value, rotation, and refusal of altered or moved values. */
class SecretBoxTest {

    private static String key(String id) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return id + ":" + Base64.getEncoder().encodeToString(k);
    }

    private static final String K1 = key("k1");
    private static final String K2 = key("k2");
    private static final String SECRET = "whsec_c2VjcmV0LXZhbHVlLWZvci10ZXN0cy1vbmx5LTEyMzQ=";

    @Test
    void aValueRoundTripsUnderAFreshNonceWithItsKeyId() {
        SecretBox box = new SecretBox(K1, List.of());
        String a = box.encrypt(SECRET, "ctx");
        String b = box.encrypt(SECRET, "ctx");
        assertNotEquals(a, b, "a fresh random nonce per value");
        assertTrue(a.startsWith("gcm1:k1:"), a);
        assertFalse(a.contains("c2VjcmV0"), "no plaintext in the stored form");
        assertEquals(SECRET, box.decrypt(a, "ctx"));
        assertEquals(SECRET, box.decrypt(b, "ctx"));
        assertEquals(12 + SECRET.length() + 16, Base64.getUrlDecoder().decode(a.substring("gcm1:k1:".length())).length,
                "96-bit nonce, ciphertext, 128-bit tag");
    }

    @Test
    void afterARotationOldValuesAreReadAndReencryptedUnderTheNewKey() {
        String underK1 = new SecretBox(K1, List.of()).encrypt(SECRET, "ctx");
        SecretBox rotated = new SecretBox(K2, List.of(K1));
        assertEquals(SECRET, rotated.decrypt(underK1, "ctx"));
        String underK2 = rotated.reencrypt(underK1, "ctx");
        assertEquals("k2", SecretBox.keyIdOf(underK2));
        assertEquals(underK2, rotated.reencrypt(underK2, "ctx"), "already current: unchanged");
        assertEquals("k2", SecretBox.keyIdOf(rotated.reencrypt(SECRET, "ctx")), "plaintext from before is encrypted");

        SecretBox withoutK1 = new SecretBox(K2, List.of());
        SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> withoutK1.decrypt(underK1, "ctx"));
        assertTrue(e.getMessage().contains("k1") && !e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(withoutK1.canDecrypt(underK1));
    }

    @Test
    void anAlteredValueOrOneMovedToAnotherContextDoesNotDecrypt() {
        SecretBox box = new SecretBox(K1, List.of());
        String stored = box.encrypt(SECRET, "alert_subscription.secrets");
        assertThrows(SecretUnavailableException.class, () -> box.decrypt(stored, "alert_subscription.oauth.clientSecret"));
        char last = stored.charAt(stored.length() - 1);
        String altered = stored.substring(0, stored.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThrows(SecretUnavailableException.class, () -> box.decrypt(altered, "alert_subscription.secrets"));
        assertThrows(SecretUnavailableException.class, () -> box.decrypt(SECRET, "alert_subscription.secrets"),
                "plaintext is never taken for a decrypted value");
    }

    @Test
    void badKeysAreRefusedWithTheSettingNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SecretBox("nokeyid", List.of()))
                .getMessage().contains("gateway.secrets.key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SecretBox("k:" + Base64.getEncoder().encodeToString(new byte[16]), List.of()))
                .getMessage().contains("32 bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SecretBox(K1, List.of(K1)))
                .getMessage().contains("twice"));
    }
}
