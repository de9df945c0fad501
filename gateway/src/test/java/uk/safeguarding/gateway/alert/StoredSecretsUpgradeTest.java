package uk.safeguarding.gateway.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.secrets.SecretBox;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * Upgrading a database whose subscriptions hold plaintext secrets (written before V70_1): the migration
 * leaves them to the gateway, which encrypts them at start-up; from then on no plaintext can be written;
 * a key rotation re-encrypts everything under the new key; a value under a key no longer configured is
 * left alone and named. A database of its own, migrated to V66_1 first, as a deployment from before is.
 */
class StoredSecretsUpgradeTest {

    private static final String WEBHOOK_A = "whsec_" + Base64.getEncoder().encodeToString("plaintext-webhook-secret-A-0123".getBytes());
    private static final String WEBHOOK_B = "whsec_" + Base64.getEncoder().encodeToString("plaintext-webhook-secret-B-0123".getBytes());
    private static final String CLIENT_SECRET = "plaintext-oauth-client-secret";

    private static String key(String id) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return id + ":" + Base64.getEncoder().encodeToString(k);
    }

    private static Map<String, String> rows(EmbeddedDatabase db) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT agency_id, secrets::text || coalesce(oauth::text, '') || updated_at AS v "
                        + "FROM alert_subscription ORDER BY agency_id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void plaintextRowsAreEncryptedAtStartAndRotatedWithTheKey() throws Exception {
        Path data = Files.createTempDirectory("secrets-upgrade");
        Vertx vertx = Vertx.vertx();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration")
                    .target(MigrationVersion.fromVersion("66.1")).load().migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO alert_subscription (id, agency_id, url, secrets, oauth) VALUES "
                        + "(gen_random_uuid(), 'la:A', 'https://a.example/hook', '[\"" + WEBHOOK_A + "\", \"" + WEBHOOK_B + "\"]', "
                        + "'{\"tokenUrl\": \"https://idp.example/token\", \"clientId\": \"gw\", \"clientSecret\": \"" + CLIENT_SECRET + "\"}'), "
                        + "(gen_random_uuid(), 'la:B', 'https://b.example/hook', '[\"" + WEBHOOK_B + "\"]', NULL)");
            }
            Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load().migrate();
            Map<String, String> before = rows(db);
            assertTrue(before.get("la:A").contains(CLIENT_SECRET), "the migration alone cannot encrypt (it has no key)");

            Pool pool = PgPool.pool(vertx, PgConnectOptions.fromUri(db.reactiveUrl()).setUser(EmbeddedDatabase.SUPERUSER),
                    new PoolOptions().setMaxSize(2));
            String k1 = key("k1");
            StoredSecrets first = new StoredSecrets(new SecretBox(k1, List.of()), pool);
            assertEquals(2, first.reencryptAll().await().atMost(Duration.ofSeconds(30)));
            Map<String, String> encrypted = rows(db);
            for (String row : encrypted.values()) {
                assertFalse(row.contains("plaintext") || row.contains(WEBHOOK_A.substring(6)) || row.contains(WEBHOOK_B.substring(6)),
                        "no plaintext left in the live row: " + row);
                assertTrue(row.contains("gcm1:k1:"), row);
            }
            assertEquals(before.get("la:A").substring(before.get("la:A").length() - 20),
                    encrypted.get("la:A").substring(encrypted.get("la:A").length() - 20), "updated_at is not touched");
            assertEquals(0, first.reencryptAll().await().atMost(Duration.ofSeconds(30)), "a second start has nothing to do");
            assertEquals(List.of(WEBHOOK_A, WEBHOOK_B), webhooksOf(first, pool, "la:A"));
            assertEquals(CLIENT_SECRET, oauthOf(first, pool, "la:A").getString("clientSecret"));

            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                SQLException refused = assertThrows(SQLException.class, () -> s.execute(
                        "INSERT INTO alert_subscription (id, agency_id, url, secrets) VALUES (gen_random_uuid(), 'la:C', 'https://c.example/', "
                                + "'[\"" + WEBHOOK_A + "\"]')"));
                assertTrue(refused.getMessage().contains("alert_subscription_secrets_encrypted"), refused.getMessage());
                assertThrows(SQLException.class, () -> s.execute("UPDATE alert_subscription SET oauth = oauth || "
                        + "'{\"clientSecret\": \"plain\"}' WHERE agency_id = 'la:A'"));
            }

            // Bound to the row and destination: a ciphertext copied into another subscription, or left under
            // a token URL or webhook URL changed in the database (as the runtime role could), does not open.
            String ownOfB = rowOf(pool, "la:B").getJsonArray("secrets").encode();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE alert_subscription b SET secrets = a.secrets, oauth = a.oauth FROM alert_subscription a "
                        + "WHERE a.agency_id = 'la:A' AND b.agency_id = 'la:B'");
            }
            for (String moved : List.of("webhook", "oauth")) {
                SecretBox.SecretUnavailableException copied = assertThrows(SecretBox.SecretUnavailableException.class,
                        () -> { if (moved.equals("webhook")) { webhooksOf(first, pool, "la:B"); } else { oauthOf(first, pool, "la:B"); } },
                        moved + " secret copied to another subscription");
                assertTrue(copied.getMessage().contains("fails authentication"), copied.getMessage());
            }
            assertEquals(0, first.reencryptAll().await().atMost(Duration.ofSeconds(30)), "a moved value is not re-bound at start");
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE alert_subscription SET oauth = oauth || '{\"tokenUrl\": \"https://attacker.example/token\"}', "
                        + "url = 'https://attacker.example/hook' WHERE agency_id = 'la:A'");
                assertThrows(SecretBox.SecretUnavailableException.class, () -> oauthOf(first, pool, "la:A"), "tokenUrl changed");
                assertThrows(SecretBox.SecretUnavailableException.class, () -> webhooksOf(first, pool, "la:A"), "url changed");
                s.execute("UPDATE alert_subscription SET oauth = oauth || '{\"tokenUrl\": \"https://idp.example/token\"}', "
                        + "url = 'https://a.example/hook' WHERE agency_id = 'la:A'");
                s.execute("UPDATE alert_subscription SET secrets = '" + ownOfB + "', oauth = NULL WHERE agency_id = 'la:B'");
            }
            assertEquals(CLIENT_SECRET, oauthOf(first, pool, "la:A").getString("clientSecret"), "restored, it opens again");

            // Rotation: k2 current, k1 still readable; one start moves every value to k2.
            String k2 = key("k2");
            StoredSecrets rotated = new StoredSecrets(new SecretBox(k2, List.of(k1)), pool);
            assertEquals(2, rotated.reencryptAll().await().atMost(Duration.ofSeconds(30)));
            assertFalse(String.join("", rows(db).values()).contains("gcm1:k1:"), "nothing left under k1");
            assertEquals(List.of(WEBHOOK_A, WEBHOOK_B), webhooksOf(rotated, pool, "la:A"));

            // k2 removed too early: values under it are left as they are, and reading them names the key.
            StoredSecrets lost = new StoredSecrets(new SecretBox(key("k3"), List.of()), pool);
            assertEquals(0, lost.reencryptAll().await().atMost(Duration.ofSeconds(30)));
            SecretBox.SecretUnavailableException e = assertThrows(SecretBox.SecretUnavailableException.class,
                    () -> webhooksOf(lost, pool, "la:B"));
            assertTrue(e.getMessage().contains("k2"), e.getMessage());
            pool.close().await().atMost(Duration.ofSeconds(10));
        } finally {
            vertx.close().await().atMost(Duration.ofSeconds(10));
        }
    }

    private static io.vertx.mutiny.sqlclient.Row rowOf(Pool pool, String agency) {
        return pool.preparedQuery("SELECT id, url, secrets, oauth FROM alert_subscription WHERE agency_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(agency)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
    }

    private static List<String> webhooksOf(StoredSecrets stored, Pool pool, String agency) {
        io.vertx.mutiny.sqlclient.Row r = rowOf(pool, agency);
        return stored.openWebhooks(r.getUUID("id"), r.getString("url"), r.getJsonArray("secrets"));
    }

    private static JsonObject oauthOf(StoredSecrets stored, Pool pool, String agency) {
        io.vertx.mutiny.sqlclient.Row r = rowOf(pool, agency);
        return stored.openOAuth(r.getUUID("id"), (JsonObject) r.getValue("oauth"));
    }
}
