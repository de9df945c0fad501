package uk.safeguarding.gateway.support;

import java.util.Map;

/**
 * What a test adds when it runs the packaged gateway in the prod profile on this host: a test-only
 * encryption key for stored secrets (production refuses to start without one) and outbound URLs to
 * receivers on loopback (production refuses those). Test-only values, never used anywhere else.
 */
public final class ProdProfileTestSettings {

    private ProdProfileTestSettings() {
    }

    public static final String ENCRYPTION_KEY = "it-only:aXQtb25seS1rZXktbm90LWZvci1wcm9kdWN0aW9uISE=";

    public static Map<String, String> settings() {
        return Map.of(
                "gateway.secrets.key", ENCRYPTION_KEY,
                "gateway.identity.match-key", "it-only-matching-key-not-for-production-use",
                "gateway.outbound.allow-private-addresses", "true",
                "gateway.outbound.allow-http-to-loopback", "true",
                "gateway.outbound.allow-any-port", "true");
    }
}
