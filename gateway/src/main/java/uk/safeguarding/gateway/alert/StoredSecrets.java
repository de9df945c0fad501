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

    /** A webhook secret as it is stored. */
    public String sealWebhook(String plaintext) {
        return box.encrypt(plaintext, WEBHOOK);
    }

    /** The live webhook secrets, decrypted; throws {@link SecretBox.SecretUnavailableException} if one cannot be. */
    public List<String> openWebhooks(JsonArray stored) {
        List<String> out = new ArrayList<>(stored.size());
        stored.forEach(s -> out.add(box.decrypt((String) s, WEBHOOK)));
        return out;
    }

    /** The OAuth settings as stored: the client secret encrypted, the rest as given. */
    public JsonObject sealOAuth(JsonObject oauth) {
        return oauth == null ? null : oauth.copy().put("clientSecret", box.encrypt(oauth.getString("clientSecret"), OAUTH));
    }

    /** The OAuth settings with the client secret decrypted. */
    public JsonObject openOAuth(JsonObject stored) {
        return stored == null ? null : stored.copy().put("clientSecret", box.decrypt(stored.getString("clientSecret"), OAUTH));
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
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, secrets, oauth FROM alert_subscription ORDER BY id FOR UPDATE")
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
            newSecrets.add(current((String) s, WEBHOOK, id));
        }
        JsonObject newOauth = oauth == null ? null
                : oauth.copy().put("clientSecret", current(oauth.getString("clientSecret"), OAUTH, id));
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
        return box.reencrypt(stored, context);
    }
}
