package uk.safeguarding.gateway.secrets;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses a production start that would run on a secret everybody knows: the dev-only encryption key,
 * any {@code dev-secret-*} or {@code dev-password-*} value (the console and onboarding client secrets
 * fall back to those in dev), or no console client secret or encryption key at all. One message
 * names every offending setting, so an operator fixes them in one go. On in %prod
 * ({@code gateway.secrets.refuse-dev-defaults}); the rule itself is {@link #problems(Map)}.
 */
// Before the other start-up beans, so the first thing a misconfigured production start says is all of this.
@Startup(1)
@ApplicationScoped
public class ProductionSecretsCheck {

    static final String NO_ENCRYPTION_KEY = "gateway.secrets.key (GATEWAY_SECRETS_KEY) is not set: generate one with "
            + "'echo \"k1:$(openssl rand -base64 32)\"' and provide it from the Secret gateway-secrets-key (docs/OPERATIONS.md)";
    /** The key id of the dev/test encryption key in application.properties; never valid in production. */
    static final String DEV_KEY_ID = "dev-only";
    /** The bytes of that key: a copy under another id is still the key everybody has. */
    private static final byte[] DEV_KEY_BYTES = java.util.Base64.getDecoder().decode("ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24=");
    /** The matching-key secret and its least length (docs/IDENTITY.md): unkeyed hashes of name and date of birth reverse by dictionary. */
    static final String MATCH_KEY = "gateway.identity.match-key";
    static final int MATCH_KEY_MIN = 32;
    static final String NO_MATCH_KEY = MATCH_KEY + " (GATEWAY_IDENTITY_MATCH_KEY) is not set or shorter than " + MATCH_KEY_MIN
            + " characters: generate one with 'openssl rand -base64 48' and provide it from the Secret gateway-identity-match-key "
            + "(docs/OPERATIONS.md)";
    /** Settings production must have, whatever their value. */
    static final List<String> REQUIRED = List.of("gateway.secrets.key", "quarkus.oidc.credentials.secret");

    ProductionSecretsCheck(SecretsConfig secrets) {
        if (!secrets.refuseDevDefaults()) {
            return;
        }
        Config config = ConfigProvider.getConfig();
        Map<String, String> values = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("%")) {
                continue; // another profile's setting, not in force here
            }
            String value = raw(config, name);
            if (value != null) {
                values.put(name, value);
            }
        }
        // Set by environment only (no line in application.properties), so not among the property names.
        Optional.ofNullable(raw(config, MATCH_KEY)).ifPresent(v -> values.put(MATCH_KEY, v));
        List<String> problems = problems(values);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Refusing to start in production with dev-only or missing secrets:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    private static String raw(Config config, String name) {
        try {
            return config.getConfigValue(name).getValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What is wrong with these settings for production, one line per setting; empty when nothing is. */
    public static List<String> problems(Map<String, String> config) {
        List<String> problems = new ArrayList<>();
        for (String name : REQUIRED) {
            if (Optional.ofNullable(config.get(name)).map(String::isBlank).orElse(true)) {
                problems.add(name.equals("gateway.secrets.key") ? NO_ENCRYPTION_KEY
                        : name + " is not set (for quarkus.oidc.credentials.secret: GATEWAY_CONSOLE_CLIENT_SECRET, "
                                + "the gateway-console client's secret in Keycloak, from the Secret gateway-console-client)");
            }
        }
        if (Optional.ofNullable(config.get(MATCH_KEY)).map(String::strip).map(String::length).orElse(0) < MATCH_KEY_MIN) {
            problems.add(NO_MATCH_KEY);
        }
        String key = config.get("gateway.secrets.key");
        if (key != null && (key.startsWith(DEV_KEY_ID + ":") || isDevKey(key))) {
            problems.add("gateway.secrets.key is the dev-only key from application.properties (set GATEWAY_SECRETS_KEY)");
        }
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            String value = e.getValue();
            if (value.contains("dev-secret-") || value.contains("dev-password-")) {
                problems.add(e.getKey() + " has a dev-only default value (dev-secret-*/dev-password-*): set it from a Secret");
            }
            if (e.getKey().startsWith("gateway.secrets.previous-keys") && (value.contains(DEV_KEY_ID + ":")
                    || java.util.Arrays.stream(value.split(",")).anyMatch(ProductionSecretsCheck::isDevKey))) {
                problems.add(e.getKey() + " still lists the dev-only key");
            }
        }
        return problems;
    }

    /** True when an {@code id:base64} key entry holds the dev key's bytes, whatever its id. */
    static boolean isDevKey(String entry) {
        String material = entry.substring(entry.lastIndexOf(':') + 1).trim();
        try {
            return java.security.MessageDigest.isEqual(DEV_KEY_BYTES, java.util.Base64.getDecoder().decode(material));
        } catch (IllegalArgumentException e) {
            return false; // not base64: SecretBox refuses it at start, with its own message
        }
    }
}
