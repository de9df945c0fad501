package uk.safeguarding.gateway.alert;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.secrets.SecretBox;

/**
 * The webhook signing secrets ({@code alert_subscription.secrets}, a JSON array) and OAuth client secrets
 * ({@code oauth.clientSecret}) of subscriptions, encrypted at rest with {@link SecretBox}. At start-up
 * every value that is plaintext (written before V70_1) or under a previous key is rewritten under the
 * current key, so a rotation completes with one restart and the plaintext is gone from the live rows.
 * <p>
 * Each value's AES-GCM associated data binds it to its row and destination: the kind, the subscription
 * id and the webhook URL (webhook secrets) or the token URL and client id (OAuth client secrets). A
 * ciphertext copied into another subscription, or left under a token URL or webhook URL changed in the
 * database, fails to decrypt, so the gateway sends no secret at all rather than a victim's secret to an
 * address someone else chose. Plaintext (no {@code gcm1:} prefix) is accepted only by the start-up
 * upgrade ({@link #reencryptAll}); every writer seals.
 */
@ApplicationScoped
public class StoredSecrets {

    private static final Logger LOG = Logger.getLogger(StoredSecrets.class);
    static final String WEBHOOK = "alert_subscription.secrets";
    static final String OAUTH = "alert_subscription.oauth.clientSecret";

    private final SecretBox box;
    private final Pool pool;

    StoredSecrets(SecretBox box, Pool pool) {
        this.box = box;
        this.pool = pool;
    }

    /** The associated data of a webhook secret of this subscription, sent to this URL. */
    static String webhookContext(UUID subscription, String url) {
        return new JsonArray().add(WEBHOOK).add(subscription.toString()).add(url).encode();
    }

    /** The associated data of this subscription's OAuth client secret, sent to this token URL as this client. */
    static String oauthContext(UUID subscription, JsonObject oauth) {
        return new JsonArray().add(OAUTH).add(subscription.toString()).add(oauth.getString("tokenUrl"))
                .add(oauth.getString("clientId")).encode();
    }

    /** A webhook secret as it is stored in subscription {@code subscription}, whose URL is {@code url}. */
    public String sealWebhook(UUID subscription, String url, String plaintext) {
        return box.encrypt(plaintext, webhookContext(subscription, url));
    }

    /** The live webhook secrets, decrypted; throws {@link SecretBox.SecretUnavailableException} if one cannot be. */
    public List<String> openWebhooks(UUID subscription, String url, JsonArray stored) {
        String context = webhookContext(subscription, url);
        List<String> out = new ArrayList<>(stored.size());
        stored.forEach(s -> out.add(box.decrypt((String) s, context)));
        return out;
    }

    /** The OAuth settings as stored: the client secret encrypted (bound to tokenUrl and clientId), the rest as given. */
    public JsonObject sealOAuth(UUID subscription, JsonObject oauth) {
        return oauth == null ? null : oauth.copy().put("clientSecret",
                box.encrypt(oauth.getString("clientSecret"), oauthContext(subscription, oauth)));
    }

    /** The OAuth settings with the client secret decrypted. */
    public JsonObject openOAuth(UUID subscription, JsonObject stored) {
        return stored == null ? null : stored.copy().put("clientSecret",
                box.decrypt(stored.getString("clientSecret"), oauthContext(subscription, stored)));
    }

    void onStart(@Observes StartupEvent event) {
        int rewritten = reencryptAll().await().atMost(Duration.ofSeconds(60));
        if (rewritten > 0) {
            LOG.infof("Re-encrypted the stored secrets of %d subscription(s) under key %s", rewritten, box.currentKeyId());
        }
    }

    /**
     * Rewrites every subscription whose secrets are plaintext or under a previous key; returns how many.
     * One transaction with the rows locked, so replicas starting together do the work once. A value under
     * a key no longer configured is left as it is and reported: its deliveries fail until an
     * administrator rotates that secret.
     */
    public Uni<Integer> reencryptAll() {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, url, secrets, oauth FROM alert_subscription ORDER BY id FOR UPDATE")
                .execute()
                .chain(rows -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (Row r : rows) {
                        chain = chain.chain(n -> rewrite(tx, r).map(changed -> changed ? n + 1 : n));
                    }
                    return chain;
                }));
    }

    private Uni<Boolean> rewrite(SqlClient tx, Row r) {
        UUID id = r.getUUID("id");
        JsonArray secrets = r.getJsonArray("secrets");
        JsonObject oauth = (JsonObject) r.getValue("oauth");
        JsonArray newSecrets = new JsonArray();
        for (Object s : secrets) {
            newSecrets.add(current((String) s, webhookContext(id, r.getString("url")), id));
        }
        JsonObject newOauth = oauth == null ? null
                : oauth.copy().put("clientSecret", current(oauth.getString("clientSecret"), oauthContext(id, oauth), id));
        if (newSecrets.equals(secrets) && Objects.equals(newOauth, oauth)) {
            return Uni.createFrom().item(false);
        }
        // updated_at stays: the secrets themselves did not change, only how they are stored.
        return tx.preparedQuery("UPDATE alert_subscription SET secrets = $2, oauth = $3 WHERE id = $1")
                .execute(Tuple.of(id, newSecrets, newOauth)).replaceWith(true);
    }

    private String current(String stored, String context, UUID subscription) {
        if (stored == null || (SecretBox.isEncrypted(stored) && !box.canDecrypt(stored))) {
            if (stored != null) {
                LOG.errorf("Subscription %s has a secret encrypted under key %s, which is not configured: its deliveries fail "
                        + "until the key is added to gateway.secrets.previous-keys or the secret is rotated", subscription,
                        SecretBox.keyIdOf(stored));
            }
            return stored;
        }
        try {
            return box.reencrypt(stored, context);
        } catch (SecretBox.SecretUnavailableException e) {
            // Moved from another row or left under a changed URL: kept as it is, so its deliveries fail.
            LOG.errorf("Subscription %s has a secret that does not belong to it: %s", subscription, e.getMessage());
            return stored;
        }
    }
}
