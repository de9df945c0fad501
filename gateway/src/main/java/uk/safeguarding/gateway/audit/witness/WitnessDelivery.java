package uk.safeguarding.gateway.audit.witness;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.security.PublicKey;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.outbound.PinnedHttp;

/**
 * The gateway's witness pusher, built from {@code gateway.audit.witness.*}. On start it re-pushes the
 * newest checkpoints from the database, because the in-memory queue of a replica that stopped is gone;
 * witnesses are idempotent by range, so every replica doing so at once costs only duplicates. (A
 * checkpoint an attacker altered in the database before that replay is refused by the witnesses as a
 * conflict, which is itself the alarm.)
 */
@ApplicationScoped
public class WitnessDelivery {

    private static final Logger LOG = Logger.getLogger(WitnessDelivery.class);

    private final WitnessPusher pusher;
    private final Pool pool;
    private final int replay;
    private final Map<String, PublicKey> trustedKeys;

    WitnessDelivery(AuditConfig config, MeterRegistry metrics, Pool pool, OutboundUrlPolicy urls, PinnedHttp http,
            CheckpointSigner signer) {
        this.trustedKeys = signer.trustedKeys();
        AuditConfig.Witness witness = config.witness();
        List<WitnessPusher.Endpoint> endpoints = witness.endpoints().stream()
                .map(e -> new WitnessPusher.Endpoint(e.id(), e.url(), e.secret())).toList();
        // Said at start, naming the key; every push to it then fails and is counted (the witness alerts fire).
        for (int i = 0; i < endpoints.size(); i++) {
            try {
                urls.check(endpoints.get(i).url().toString());
            } catch (OutboundUrlPolicy.Refused e) {
                LOG.errorf("gateway.audit.witness.endpoints[%d].url is refused by the outbound URL policy (%s: %s): "
                        + "witness %s will receive nothing", i, e.rule(), e.getMessage(), endpoints.get(i).id());
            }
        }
        this.pusher = endpoints.isEmpty() ? null : new WitnessPusher(endpoints, witness.queueCapacity(),
                witness.retryInitial(), witness.retryMax(), witness.timeout(), metrics, pinned(urls, http));
        this.pool = pool;
        this.replay = witness.replayOnStart();
        if (endpoints.isEmpty()) {
            LOG.warn("No audit witnesses configured (gateway.audit.witness.endpoints): checkpoints are kept only in the "
                    + "database, so a database superuser can delete the chain's tail undetected (docs/AUDIT.md)");
        } else {
            LOG.infof("Audit checkpoints are pushed to witnesses %s", endpoints.stream().map(WitnessPusher.Endpoint::id).toList());
        }
    }

    /**
     * Pushes leave like webhooks: the name resolved now, every address checked, the connection pinned to
     * the checked one (a refusal is a failed push, retried and counted like any other).
     */
    private static WitnessPusher.Transport pinned(OutboundUrlPolicy urls, PinnedHttp http) {
        return (url, headers, body, timeout) -> {
            OutboundUrlPolicy.Target target;
            try {
                target = urls.resolve(url.toString());
            } catch (OutboundUrlPolicy.Refused e) {
                throw new IOException("refused by the outbound URL policy: " + e.rule() + ": " + e.getMessage());
            }
            try {
                // Only the status matters: the body is not waited for, so a witness that trickles one
                // cannot hold the pusher past the deadline PinnedHttp enforces.
                return http.send(HttpMethod.POST, target, headers, body, timeout, 0)
                        .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).status();
            } catch (ExecutionException e) {
                throw new IOException("witness push failed: " + e.getCause(), e);
            } catch (TimeoutException e) {
                throw new IOException("witness push failed: no answer within " + timeout, e);
            }
        };
    }

    /** Queues a just-signed checkpoint for every witness (after its transaction committed). */
    public void signed(Checkpoint checkpoint) {
        if (pusher != null) {
            pusher.offer(checkpoint);
        }
    }

    void start(@Observes StartupEvent event) {
        if (pusher == null || replay <= 0) {
            return;
        }
        pool.preparedQuery("""
                        SELECT first_seq, last_seq, root, last_hash, signed_at, key_id, algorithm, signature
                        FROM audit_checkpoint ORDER BY last_seq DESC LIMIT $1""")
                .execute(Tuple.of(replay))
                .subscribe().with(rows -> {
                    List<Checkpoint> newestFirst = new ArrayList<>();
                    for (Row row : rows) {
                        newestFirst.add(new Checkpoint(row.getLong(0), row.getLong(1), row.getBuffer(2).getBytes(),
                                row.getBuffer(3).getBytes(), row.getOffsetDateTime(4).toInstant(), row.getString(5),
                                row.getString(6), row.getBuffer(7).getBytes()));
                    }
                    Collections.reverse(newestFirst);
                    newestFirst.stream().filter(this::signedByTrustedKey).forEach(pusher::offer);
                }, failure -> LOG.warnf("Could not re-push recent checkpoints to the witnesses (%s)", failure.toString()));
    }

    /** A row the runtime role inserted with a junk signature is not offered: the witness would refuse it anyway. */
    private boolean signedByTrustedKey(Checkpoint cp) {
        PublicKey key = trustedKeys.get(cp.keyId());
        if (key != null && SigningKeys.verify(key, cp.signedMessage(), cp.signature())) {
            return true;
        }
        LOG.errorf("Checkpoint row %d..%d (key %s) does not verify with a trusted key: not re-pushed to the witnesses; "
                + "run bin/audit-verify --witness now", cp.firstSeq(), cp.lastSeq(), cp.keyId());
        return false;
    }

    void stop(@Observes ShutdownEvent event) {
        if (pusher != null) {
            pusher.close();
        }
    }
}
