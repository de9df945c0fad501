package uk.safeguarding.gateway.risk;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * A downgrade proposal's state: the same-agency approval and the agreements of the agencies it goes
 * below. When the last of them is in, the proposal takes effect: the proposer's level and each agreeing
 * agency's level become the proposed one (the agreeing agency adopts it as its own, so the shared level
 * can fall), and every involved agency hears it.
 */
@ApplicationScoped
class RiskProposals {

    private final RiskLevels levels;
    private final RiskEvents events;

    RiskProposals(RiskLevels levels, RiskEvents events) {
        this.levels = levels;
        this.events = events;
    }

    /** The assessment with its approval, locked for this transaction; 404 when there is none. */
    Uni<Row> lock(SqlClient tx, UUID id) {
        return tx.preparedQuery("""
                        SELECT a.*, p.approver_subject, p.approved_at FROM risk_assessment a
                        LEFT JOIN risk_approval p ON p.assessment_id = a.id WHERE a.id = $1 FOR UPDATE OF a
                        """).execute(Tuple.of(id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    return rows.iterator().next();
                });
    }

    /** Agreements asked for, by assessment; decider and rationale only {@code withHistory}. */
    Uni<Map<UUID, List<RiskResource.Agreement>>> agreements(SqlClient tx, List<UUID> assessments) {
        return tx.preparedQuery("""
                        SELECT q.assessment_id, q.agency_id, q.agency_level, g.agreed, g.decided_by_subject, g.rationale, g.decided_at
                        FROM risk_agreement_request q LEFT JOIN risk_agreement g
                            ON g.assessment_id = q.assessment_id AND g.agency_id = q.agency_id
                        WHERE q.assessment_id = ANY($1) ORDER BY q.assessment_id, q.agency_id
                        """).execute(Tuple.of(assessments.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<RiskResource.Agreement>> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        Boolean agreed = r.getBoolean("agreed");
                        out.computeIfAbsent(r.getUUID("assessment_id"), k -> new ArrayList<>())
                                .add(new RiskResource.Agreement(r.getString("agency_id"), r.getString("agency_level"),
                                        agreed == null ? "PENDING" : agreed ? "AGREED" : "DECLINED",
                                        r.getString("decided_by_subject"), r.getString("rationale"),
                                        r.getOffsetDateTime("decided_at") == null ? null
                                                : r.getOffsetDateTime("decided_at").toInstant()));
                    }
                    return out;
                });
    }

    static String status(boolean inEffect, List<RiskResource.Agreement> agreements) {
        if (inEffect) {
            return "IN_EFFECT";
        }
        return agreements.stream().anyMatch(g -> "DECLINED".equals(g.status())) ? "DECLINED" : "AWAITING";
    }

    /**
     * Makes the proposal take effect when it is approved and every agreement is in; empty otherwise.
     * {@code approvedBy} is the same-agency approver (null when not yet approved).
     */
    Uni<Optional<Notifier.Outcome>> completeIfReady(SqlClient tx, Row a, String approvedBy, Instant now) {
        UUID id = a.getUUID("id");
        UUID childId = a.getUUID("child_id");
        if (approvedBy == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return agreements(tx, List.of(id)).chain(all -> {
            List<RiskResource.Agreement> asked = all.getOrDefault(id, List.of());
            if (asked.stream().anyMatch(g -> !"AGREED".equals(g.status()))) {
                return Uni.createFrom().item(Optional.<Notifier.Outcome>empty());
            }
            String level = a.getString("level");
            List<String> agreedBy = asked.stream().map(RiskResource.Agreement::agency).toList();
            return levels.shared(tx, childId).chain(before -> {
                Uni<Void> set = levels.set(tx, childId, a.getString("assessed_by_agency"), level, id,
                        a.getLocalDate("review_by"), "assessment", now);
                for (String agency : agreedBy) {
                    set = set.chain(() -> levels.set(tx, childId, agency, level, id, a.getLocalDate("review_by"),
                            "agreement", now));
                }
                return set.chain(() -> levels.shared(tx, childId))
                        .chain(after -> events.changed(tx, about(a), before.orElse(null), after.orElse(null), approvedBy,
                                agreedBy, now))
                        .map(Optional::of);
            });
        });
    }

    static RiskEvents.About about(Row a) {
        List<String> indicators = new ArrayList<>();
        if (a.getJsonArray("indicators") != null) {
            a.getJsonArray("indicators").forEach(i -> indicators.add((String) i));
        }
        return new RiskEvents.About(a.getUUID("id"), a.getUUID("child_id"), a.getString("level"),
                a.getString("previous_level"), a.getString("rationale"), indicators, a.getLocalDate("review_by"),
                a.getString("assessed_by_agency"), a.getString("assessed_by_subject"));
    }
}
