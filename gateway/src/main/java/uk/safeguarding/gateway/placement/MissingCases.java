package uk.safeguarding.gateway.placement;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.PolicyEngine;

/**
 * Who a missing episode concerns, for a child in care or not: the roles of the child's current
 * placement, then the agencies the episode's report named or was routed to (home council and police,
 * school, GP, the return home interview service) where the placement leaves them empty, and, on
 * request, each agency already holding a confirmed relationship as {@code involved-agency}. Also raises
 * {@code repeat-missing} when the child's episodes reach a threshold the protocols hold as data.
 */
@ApplicationScoped
public class MissingCases {

    static final String REPEAT_EVENT = "repeat-missing";
    private static final Logger LOG = Logger.getLogger(MissingCases.class);

    private final Cases cases;
    private final Relationships relationships;
    private final PolicyService policy;
    private final AuditTrail audit;

    MissingCases(Cases cases, Relationships relationships, PolicyService policy, AuditTrail audit) {
        this.cases = cases;
        this.relationships = relationships;
        this.policy = policy;
        this.audit = audit;
    }

    /** The agencies an episode names for itself (columns of missing_episode); null where none. */
    public record EpisodeRoles(String homeCouncil, String homePolice, String school, String gp, String rhiService) {

        static EpisodeRoles of(Row r) {
            return new EpisodeRoles(r.getString("home_council"), r.getString("home_police"), r.getString("school"),
                    r.getString("gp"), r.getString("rhi_service"));
        }
    }

    /** The case as the episode's duties see it: placement roles first, the episode's own where empty. */
    public record EpisodeCase(Optional<Cases.Placement> placement, List<CaseContext> contexts) {

        public CaseContext main() {
            return contexts.get(0);
        }
    }

    /**
     * The episode's case contexts: the first holds every case role; with {@code involvedExcept} non-null,
     * one more per agency already confirmed with the child (other than that agency and those in a role).
     */
    public Uni<EpisodeCase> caseOf(SqlClient tx, UUID childId, EpisodeRoles roles, String involvedExcept) {
        return cases.currentPlacement(tx, childId).chain(placement -> {
            Map<String, String> agencies = new LinkedHashMap<>(placement.map(p -> p.context().build().agencies())
                    .orElse(Map.of()));
            agencies.putIfAbsent("home-council", roles.homeCouncil());
            agencies.putIfAbsent("home-police", roles.homePolice());
            agencies.putIfAbsent("school", roles.school());
            agencies.putIfAbsent("gp", roles.gp());
            agencies.putIfAbsent("rhi-service", roles.rhiService());
            agencies.values().removeIf(v -> v == null);
            CaseContext.Builder main = placement.map(Cases.Placement::context).orElseGet(CaseContext::builder);
            agencies.forEach(main::role);
            List<CaseContext> contexts = new ArrayList<>(List.of(main.build()));
            if (involvedExcept == null) {
                return Uni.createFrom().item(new EpisodeCase(placement, contexts));
            }
            return relationships.confirmed(tx, childId).map(involved -> {
                involved.stream().map(Relationships.Involvement::agencyId).distinct()
                        .filter(a -> !a.equals(involvedExcept) && !agencies.containsValue(a))
                        .forEach(a -> contexts.add(CaseContext.builder().role("involved-agency", a).build()));
                return new EpisodeCase(placement, contexts);
            });
        });
    }

    /**
     * Raises {@code repeat-missing} to the home council when the episode starting at {@code since} brings
     * the child's episodes within a protocol's window to its threshold, once per window (a strategy
     * discussion already due is not asked for again until the window has passed).
     */
    public Uni<Void> checkRepeat(SqlClient tx, UUID childId, UUID episodeId, Instant since, Instant now, CaseContext ctx) {
        List<PolicyEngine.EventThreshold> thresholds = policy.engine().thresholds(REPEAT_EVENT, now);
        if (thresholds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        PolicyEngine.EventThreshold t = thresholds.get(0);
        Duration window = Duration.ofDays(t.threshold().withinDays());
        return tx.preparedQuery("""
                        SELECT (SELECT count(*) FROM missing_episode WHERE child_id = $1 AND missing_since > $2
                                AND missing_since <= $3) AS episodes,
                            EXISTS (SELECT 1 FROM case_event WHERE child_id = $1 AND type = $4 AND occurred_at > $5) AS raised
                        """)
                .execute(Tuple.of(childId, since.minus(window).atOffset(ZoneOffset.UTC), since.atOffset(ZoneOffset.UTC),
                        REPEAT_EVENT, now.minus(window).atOffset(ZoneOffset.UTC)))
                .chain(rows -> {
                    Row r = rows.iterator().next();
                    long episodes = r.getLong("episodes");
                    if (episodes < t.threshold().episodes() || r.getBoolean("raised")) {
                        return Uni.createFrom().voidItem();
                    }
                    UUID eventId = UUID.randomUUID();
                    Map<String, Object> missing = new LinkedHashMap<>();
                    missing.put("episodeId", episodeId.toString());
                    missing.put("episodes", episodes);
                    missing.put("withinDays", t.threshold().withinDays());
                    missing.put("threshold", t.clause());
                    missing.put("asked", "a strategy discussion is considered");
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", Map.of("childId", childId.toString()));
                    details.put("missing", missing);
                    return cases.record(tx, new Notifier.CaseEvent(eventId, REPEAT_EVENT, childId, "gateway", now,
                                    "MISSING-RESPONSE", false, details), "gateway", ctx)
                            .chain(outcome -> audit.record(tx, Escalator.systemEntry("missing.repeat", "case-event",
                                    eventId.toString(), childId, List.of(t.clause()))))
                            .invoke(() -> LOG.infof("Child %s missing %d times in %d days: %s raised", childId, episodes,
                                    t.threshold().withinDays(), REPEAT_EVENT));
                });
    }
}
