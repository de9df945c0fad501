package uk.safeguarding.gateway.placement;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * A child's case as the duty planner needs it: the agencies in each case role (from the child's
 * current placement), whether the child is missing, the current risk level; and the one place that
 * records a case event and queues its alerts, in the caller's transaction.
 */
@ApplicationScoped
public class Cases {

    static final ZoneId LONDON = ZoneId.of("Europe/London");

    private final Notifier notifier;

    Cases(Notifier notifier) {
        this.notifier = notifier;
    }

    /** A placement row: who holds which case role. */
    public record Placement(UUID id, UUID childId, String placingAuthority, String provider, String hostCouncil,
            String hostPolice, String hostHealth, String homePolice, String homeHealth, String gp, String school,
            String rhiService, LocalDate startDate, boolean emergency, String status, Map<String, Object> identity,
            java.time.Instant createdAt) {

        CaseContext.Builder context() {
            CaseContext.Builder b = CaseContext.builder();
            put(b, "home-council", placingAuthority);
            put(b, "iro", placingAuthority);
            put(b, "host-council", hostCouncil);
            put(b, "host-police", hostPolice);
            put(b, "home-police", homePolice);
            put(b, "host-health", hostHealth);
            put(b, "home-health", homeHealth);
            put(b, "gp", gp);
            put(b, "school", school);
            // A looked-after child's virtual school head works for the placing council.
            put(b, "virtual-school-head", placingAuthority);
            put(b, "provider", provider);
            put(b, "rhi-service", rhiService);
            b.date("placement-start", startDate.atStartOfDay(LONDON).toInstant());
            return b.emergencyPlacement(emergency);
        }

        Map<String, Object> placementDetails() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("placementId", id.toString());
            m.put("provider", provider);
            m.put("hostCouncil", hostCouncil);
            m.put("hostPolice", hostPolice);
            m.put("startDate", startDate.toString());
            m.put("emergency", emergency);
            m.put("status", status);
            return m;
        }
    }

    private static void put(CaseContext.Builder b, String role, String agency) {
        if (agency != null) {
            b.role(role, agency);
        }
    }

    static Placement placement(Row r) {
        JsonObject identity = (JsonObject) r.getValue("identity");
        return new Placement(r.getUUID("id"), r.getUUID("child_id"), r.getString("placing_authority"),
                r.getString("provider"), r.getString("host_council"), r.getString("host_police"),
                r.getString("host_health"), r.getString("home_police"), r.getString("home_health"), r.getString("gp"),
                r.getString("school"), r.getString("rhi_service"), r.getLocalDate("start_date"),
                r.getBoolean("emergency"), r.getString("status"), identity == null ? Map.of() : identity.getMap(),
                r.getOffsetDateTime("created_at").toInstant());
    }

    public Uni<Optional<Placement>> placementById(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT * FROM placement WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(placement(rows.iterator().next())) : Optional.empty());
    }

    /**
     * The child's current placement: placements whose placing authority's standing is confirmed come
     * first (an unconfirmed claim must not redirect the alerts of everyone else's events to the agencies
     * its claimant named), then the newest that has not ended, else the newest.
     */
    public Uni<Optional<Placement>> currentPlacement(SqlClient client, UUID childId) {
        return client.preparedQuery("""
                        SELECT p.* FROM placement p WHERE p.child_id = $1
                        ORDER BY EXISTS (SELECT 1 FROM relationship r WHERE r.source_type = 'placement' AND r.source_id = p.id
                                AND r.kind = 'placing-authority' AND r.standing = 'confirmed' AND r.ended_at IS NULL) DESC,
                            (p.status IN ('PLANNED', 'STARTED')) DESC, p.created_at DESC LIMIT 1
                        """).execute(Tuple.of(childId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(placement(rows.iterator().next())) : Optional.empty());
    }

    /** The case context of the child's current placement (empty roles when it has none). */
    public Uni<CaseContext.Builder> context(SqlClient client, UUID childId) {
        return currentPlacement(client, childId).map(p -> p.map(Placement::context).orElseGet(CaseContext::builder));
    }

    /**
     * Whether the child is missing as the protocols mean it: an open episode that the provider or the
     * placing council reported or confirmed. A police report alone opens an episode (and alerts everyone)
     * but does not release what is held only "while the child is missing" (the Philomena profile) until
     * it is confirmed, or the reader holds an approved standing override of scope missing.
     */
    public Uni<Boolean> isMissing(SqlClient client, UUID childId) {
        return isMissing(client, childId, null);
    }

    /** As {@link #isMissing(SqlClient, UUID)}, counting {@code reader}'s own override of scope missing. */
    public Uni<Boolean> isMissing(SqlClient client, UUID childId, uk.safeguarding.gateway.security.Actor reader) {
        return client.preparedQuery("""
                        SELECT 1 FROM missing_episode e WHERE e.child_id = $1 AND e.found_at IS NULL AND (e.confirmed_at IS NOT NULL
                            OR EXISTS (SELECT 1 FROM standing_override o WHERE o.child_id = e.child_id AND o.agency_id = $2
                                AND o.requester_subject = $3 AND o.scope = 'missing' AND o.status = 'ACTIVE' AND o.expires_at > now()))
                        """)
                .execute(Tuple.of(childId, reader == null ? "" : reader.agencyId(), reader == null ? "" : reader.subject()))
                .map(rows -> rows.iterator().hasNext());
    }

    /**
     * The child's shared risk level: the highest current level of any agency (each agency's newest level
     * in effect, risk_level; see docs/RISK.md), if any agency has assessed the child.
     */
    public Uni<Optional<String>> currentRiskLevel(SqlClient client, UUID childId) {
        return client.preparedQuery("""
                        SELECT c.level FROM (SELECT DISTINCT ON (agency_id) level FROM risk_level WHERE child_id = $1
                            ORDER BY agency_id, effective_at DESC, id) c
                        ORDER BY CASE c.level WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 ELSE 1 END DESC LIMIT 1
                        """).execute(Tuple.of(childId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getString("level"))
                        : Optional.empty());
    }

    /**
     * Records the event and queues its alerts, in {@code tx}. {@code details} maps each data category
     * to its fields; categories with no content are left out.
     */
    public Uni<Notifier.Outcome> record(SqlClient tx, Notifier.CaseEvent event, String raisedBySubject,
            CaseContext caseContext) {
        return record(tx, event, raisedBySubject, java.util.List.of(caseContext));
    }

    /**
     * As {@link #record(SqlClient, Notifier.CaseEvent, String, CaseContext)}, planning the event's duties
     * once per case context (one per agency asked, when a case role is held by several agencies at once)
     * and merging what was sent.
     */
    public Uni<Notifier.Outcome> record(SqlClient tx, Notifier.CaseEvent event, String raisedBySubject,
            java.util.List<CaseContext> caseContexts) {
        Map<String, Object> details = new LinkedHashMap<>();
        event.details().forEach((k, v) -> {
            if (v != null && !(v instanceof Map<?, ?> m && m.isEmpty())) {
                details.put(k, v);
            }
        });
        Notifier.CaseEvent clean = new Notifier.CaseEvent(event.eventId(), event.type(), event.childId(), event.raisedBy(),
                event.occurredAt(), event.purpose(), event.childMissing(), details);
        return tx.preparedQuery("""
                        INSERT INTO case_event (id, child_id, type, occurred_at, raised_by_agency, raised_by_subject, purpose, details)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        """)
                .execute(Tuple.from(new Object[] {event.eventId(), event.childId(), event.type(),
                        event.occurredAt().atOffset(java.time.ZoneOffset.UTC), event.raisedBy(), raisedBySubject,
                        event.purpose(), new JsonObject(details)}))
                .chain(() -> {
                    Uni<Notifier.Outcome> all = Uni.createFrom().item(new Notifier.Outcome(java.util.List.of(),
                            java.util.List.of(), java.util.List.of()));
                    for (CaseContext c : caseContexts) {
                        all = all.chain(sofar -> notifier.notify(tx, clean, c).map(sofar::plus));
                    }
                    return all;
                });
    }
}
