package uk.safeguarding.gateway.signatory;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Signatory;

/**
 * The registry as every request sees it: the revocation list, and the protocol membership the engine
 * runs with. Both live in PostgreSQL (so every replica agrees); each replica keeps a copy for at most
 * {@code gateway.signatories.revocation-cache-ttl} and re-reads it on the first request after that, so a
 * revocation made on any replica takes effect everywhere within that time, and at once on the replica
 * that made it. If the list cannot be read the request is refused: revocation fails closed.
 */
@ApplicationScoped
public class SignatoryDirectory {

    private static final Logger LOG = Logger.getLogger(SignatoryDirectory.class);

    /** One reading of the registry. {@code membershipStamp} changes whenever any membership version is added. */
    public record Snapshot(Set<String> revoked, long membershipStamp, long loadedAtNanos) {
    }

    private static final String READ = """
            SELECT (SELECT coalesce(array_agg(agency_id), '{}') FROM signatory_revocation) AS revoked,
                   (SELECT count(*) FROM protocol_membership_version) AS stamp
            """;
    private static final String MEMBERS = """
            SELECT sp.protocol_id, s.agency_id, s.dpo_contact, s.display_name
            FROM signatory_protocol sp JOIN signatory s ON s.agency_id = sp.agency_id
            WHERE s.status = 'ACTIVE' ORDER BY sp.protocol_id, s.agency_id
            """;
    private static final String VERSIONS = "SELECT protocol_id, max(version) AS version FROM protocol_membership_version GROUP BY protocol_id";

    private final Pool pool;
    private final PolicyService policy;
    private final Duration ttl;
    private volatile Snapshot snapshot;
    private volatile long appliedStamp;

    SignatoryDirectory(Pool pool, PolicyService policy, SignatoryConfig config) {
        this.pool = pool;
        this.policy = policy;
        this.ttl = config.revocationCacheTtl();
    }

    void onStart(@Observes StartupEvent event) {
        refresh().await().atMost(Duration.ofSeconds(30));
    }

    /** The registry as of at most the cache time ago. */
    public Uni<Snapshot> current() {
        Snapshot s = snapshot;
        if (s != null && System.nanoTime() - s.loadedAtNanos() < ttl.toNanos()) {
            return Uni.createFrom().item(s);
        }
        return refresh();
    }

    /** Re-reads the registry now; called after this replica changed it, so the change holds here at once. */
    public Uni<Snapshot> refresh() {
        return pool.query(READ).execute().chain(rows -> {
            Row row = rows.iterator().next();
            Set<String> revoked = Set.of(row.getArrayOfStrings("revoked"));
            long stamp = row.getLong("stamp");
            Snapshot fresh = new Snapshot(revoked, stamp, System.nanoTime());
            Uni<Void> membership = stamp <= appliedStamp ? Uni.createFrom().voidItem() : applyMembership(stamp);
            return membership.invoke(() -> snapshot = fresh).replaceWith(fresh);
        });
    }

    private Uni<Void> applyMembership(long stamp) {
        return pool.query(MEMBERS).execute().chain(members -> pool.query(VERSIONS).execute().invoke(versions -> {
            Map<String, List<Signatory>> added = new HashMap<>();
            Map<String, String> names = new HashMap<>();
            Set<String> known = new HashSet<>();
            policy.shippedProtocols().protocols().forEach(p -> known.add(p.id()));
            for (Row r : members) {
                String protocol = r.getString("protocol_id");
                if (!known.contains(protocol)) {
                    // A protocol retired from the YAML since the agency signed it: nothing to join.
                    LOG.warnf("Signatory %s is recorded for unknown protocol %s; ignored", r.getString("agency_id"), protocol);
                    continue;
                }
                added.computeIfAbsent(protocol, k -> new ArrayList<>())
                        .add(new Signatory(r.getString("agency_id"), r.getString("dpo_contact"), null, null, null));
                names.put(r.getString("agency_id"), r.getString("display_name"));
            }
            Map<String, String> labels = new HashMap<>();
            for (Row r : versions) {
                String protocol = r.getString("protocol_id");
                policy.shippedProtocols().protocol(protocol)
                        .ifPresent(p -> labels.put(protocol, label(p, r.getInteger("version"))));
            }
            synchronized (this) {
                if (stamp > appliedStamp) {
                    policy.applyMembers(added, labels, names);
                    appliedStamp = stamp;
                }
            }
        })).replaceWithVoid();
    }

    /** The version the engine runs a protocol under after {@code membershipVersion} registry changes: {@code 1.0.0+m3}. */
    public static String label(Protocol protocol, int membershipVersion) {
        return protocol.version() + "+m" + membershipVersion;
    }
}
