package uk.safeguarding.gateway.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The production start-up refusal, given configuration values as a production start would see them. */
class ProductionSecretsCheckTest {

    private static final String MATCH_KEY = "a-matching-key-of-at-least-32-characters";
    private static final String REAL_KEY = "k1:" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void aProductionConfigurationWithRealSecretsPasses() {
        assertEquals(List.of(), ProductionSecretsCheck.problems(Map.of(
                "gateway.secrets.key", REAL_KEY,
                "gateway.identity.match-key", MATCH_KEY,
                "quarkus.oidc.credentials.secret", "a-real-secret-from-the-secret-store",
                "quarkus.keycloak.admin-client.client-secret", "another-real-one")));
    }

    @Test
    void everyDevDefaultAndMissingSecretIsNamed() {
        List<String> problems = ProductionSecretsCheck.problems(Map.of(
                "gateway.secrets.key", "dev-only:ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24=",
                "quarkus.keycloak.admin-client.client-secret", "dev-secret-gateway-onboarding",
                "quarkus.datasource.password", "dev-password-gateway"));
        String all = String.join("\n", problems);
        assertTrue(all.contains("gateway.secrets.key is the dev-only key"), all);
        assertTrue(all.contains("quarkus.keycloak.admin-client.client-secret has a dev-only default"), all);
        assertTrue(all.contains("quarkus.datasource.password has a dev-only default"), all);
        assertTrue(all.contains("quarkus.oidc.credentials.secret is not set"), "missing, not silently the dev value: " + all);
        assertTrue(all.contains("gateway.identity.match-key (GATEWAY_IDENTITY_MATCH_KEY) is not set"), all);
        assertEquals(5, problems.size(), all);
    }

    @Test
    void theConsoleSecretsDevFallbackIsRefusedAndAMissingKeySaysHowToMakeOne() {
        List<String> problems = ProductionSecretsCheck.problems(Map.of(
                "quarkus.oidc.credentials.secret", "dev-secret-gateway-console"));
        String all = String.join("\n", problems);
        assertTrue(all.contains("quarkus.oidc.credentials.secret has a dev-only default"), all);
        assertTrue(all.contains("GATEWAY_SECRETS_KEY") && all.contains("openssl rand -base64 32")
                && all.contains("gateway-secrets-key"), all);
    }

    @Test
    void theDevKeyIsRecognisedByItsBytesUnderAnyId() {
        String renamed = "k7:ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24=";
        String all = String.join("\n", ProductionSecretsCheck.problems(java.util.Map.of(
                "gateway.secrets.key", renamed, "quarkus.oidc.credentials.secret", "a-real-one",
                "gateway.secrets.previous-keys", "k1:" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "," + renamed)));
        assertTrue(all.contains("gateway.secrets.key is the dev-only key"), all);
        assertTrue(all.contains("gateway.secrets.previous-keys still lists the dev-only key"), all);
        String fine = String.join("\n", ProductionSecretsCheck.problems(java.util.Map.of(
                "gateway.secrets.key", "k7:" + java.util.Base64.getEncoder().encodeToString(new byte[32]),
                "quarkus.oidc.credentials.secret", "a-real-one", "gateway.identity.match-key", MATCH_KEY)));
        assertTrue(fine.isEmpty(), "another key passes: " + fine);
    }

    @Test
    void aMatchingKeyShorterThan32CharactersIsRefused() {
        String all = String.join("\n", ProductionSecretsCheck.problems(Map.of("gateway.secrets.key", REAL_KEY,
                "quarkus.oidc.credentials.secret", "a-real-one", "gateway.identity.match-key", "short-key-31-characters-long-xx")));
        assertTrue(all.contains("gateway.identity.match-key (GATEWAY_IDENTITY_MATCH_KEY) is not set or shorter than 32"), all);
        assertTrue(all.contains("gateway-identity-match-key"), all);
    }
}
