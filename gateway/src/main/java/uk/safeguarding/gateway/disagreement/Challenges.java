package uk.safeguarding.gateway.disagreement;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * Professional disagreements: the decisions that may be challenged, the levels a challenge climbs
 * (their order here; each level's deadline and recipients are the professional-disagreement
 * protocol's duties), and the steps, each written with the event that tells the other side.
 */
@ApplicationScoped
public class Challenges {

    static final String PROTOCOL = "professional-disagreement";
    static final List<String> LEVELS = List.of("practitioner", "manager", "head-of-service", "partnership");

    /** A decision another agency may challenge: whose it is and when it was made. */
    record Decision(String type, UUID id, UUID childId, String agency, Instant decidedAt) {

        Target target() {
            return Target.record(childId, agency, decidedAt, "risk-assessment".equals(type) ? "risk-assessment" : "referral", id);
        }
    }

    /** The decisions that can be challenged, by type: the query finds the deciding agency and the child. */
    static final Map<String, String> DECISIONS = Map.of(
            "risk-assessment", "SELECT child_id, assessed_by_agency AS agency, recorded_at AS at FROM risk_assessment WHERE id = $1",
            // A declined referral: the recipient that declined it decided.
            "referral-decline", """
                    SELECT r.child_id, rr.agency_id AS agency, COALESCE(rr.decided_at, r.created_at) AS at
                    FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
                    WHERE r.id = $1 AND rr.status = 'DECLINED' ORDER BY rr.decided_at LIMIT 1
                    """);

    private final Cases cases;
    private final PolicyService policy;

    Challenges(Cases cases, PolicyService policy) {
        this.cases = cases;
        this.policy = policy;
    }

    /** The decision, or 404 (the same for one that does not exist and one the caller may not know). */
    Uni<Decision> decision(SqlClient tx, String type, UUID id) {
        return tx.preparedQuery(DECISIONS.get(type)).execute(Tuple.of(id)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ApiException.notFound();
            }
            Row r = rows.iterator().next();
            return new Decision(type, id, r.getUUID("child_id"), r.getString("agency"),
                    r.getOffsetDateTime("at").toInstant());
        });
    }

    /** The challenge row, locked; 404 when none. */
    Uni<Row> lock(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT * FROM challenge WHERE id = $1 FOR UPDATE").execute(Tuple.of(id)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ApiException.notFound();
            }
            return rows.iterator().next();
        });
    }

    /** The agency acting for the safeguarding partnership: the protocol's owner. */
    String partnership() {
        return policy.shippedProtocols().protocol(PROTOCOL).map(p -> p.owner()).orElse(null);
    }

    /** Whether the agency is a party to the challenge as it stands (the partnership once it reached it). */
    boolean party(Row c, String agency) {
        return party(c.getString("challenged_agency"), c.getString("challenging_agency"), c.getString("level"), agency);
    }

    /** As {@link #party(Row, String)}, from the challenge's columns (the chronology reads them in its own query). */
    boolean party(String challenged, String challenging, String level, String agency) {
        return agency.equals(challenged) || agency.equals(challenging)
                || "partnership".equals(level) && agency.equals(partnership());
    }

    /**
     * Whether the agency may know of the challenge an event of its steps belongs to: only its parties (and
     * the partnership once it holds it), as the challenge's own read. A missing challenge: false.
     */
    public Uni<Boolean> mayKnow(SqlClient tx, UUID challengeId, String agency) {
        return tx.preparedQuery("SELECT challenged_agency, challenging_agency, level FROM challenge WHERE id = $1")
                .execute(Tuple.of(challengeId))
                .map(rows -> rows.iterator().hasNext() && party(rows.iterator().next(), agency));
    }

    /** Whether a case event of this type is a step of a professional disagreement (its details name the challenge). */
    public static boolean isStep(String eventType) {
        return eventType != null && eventType.startsWith("disagreement-");
    }

    /** Spelt out, not built: the emitter declaration (emitters.yaml) finds each event in this source. */
    static String eventFor(String level) {
        return switch (level) {
            case "practitioner" -> "disagreement-raised";
            case "manager" -> "disagreement-escalated-manager";
            case "head-of-service" -> "disagreement-escalated-head-of-service";
            case "partnership" -> "disagreement-escalated-partnership";
            default -> throw new IllegalArgumentException("No disagreement level " + level);
        };
    }

    private CaseContext context(Row c) {
        CaseContext.Builder b = CaseContext.builder().role("challenged-agency", c.getString("challenged_agency"))
                .role("challenging-agency", c.getString("challenging_agency"));
        Optional.ofNullable(partnership()).ifPresent(p -> b.role("safeguarding-partnership", p));
        return b.build();
    }

    /** The level's deadline from the protocol's duty: the earliest of its notices, null when it declares none. */
    Instant deadline(Row c, String event, String raisedBy, Instant now) {
        return policy.engine().duties(event, context(c), now, raisedBy).stream().map(DutyNotice::deadline)
                .min(Instant::compareTo).orElse(null);
    }

    /** Writes a step and tells the other side through the protocol's duty for {@code event}. */
    Uni<Notifier.Outcome> step(SqlClient tx, Row c, String step, String level, String event, String agency, String subject,
            String text, Instant dueAt, Instant now) {
        Map<String, Object> disagreement = new LinkedHashMap<>();
        disagreement.put("challengeId", c.getUUID("id").toString());
        disagreement.put("decisionType", c.getString("decision_type"));
        disagreement.put("decisionId", c.getUUID("decision_id").toString());
        disagreement.put("challengedAgency", c.getString("challenged_agency"));
        disagreement.put("challengingAgency", c.getString("challenging_agency"));
        disagreement.put("step", step);
        disagreement.put("level", level);
        disagreement.put("by", agency);
        disagreement.put("text", text);
        disagreement.put("dueAt", dueAt == null ? null : dueAt.toString());
        disagreement.put("link", "/api/v1/challenges/" + c.getUUID("id"));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("identity", Map.of("childId", c.getUUID("child_id").toString()));
        details.put("disagreement", disagreement);
        return tx.preparedQuery("""
                        INSERT INTO challenge_step (id, challenge_id, step, level, by_agency, by_subject, text, at, due_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        """)
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), c.getUUID("id"), step, level, agency, subject, text,
                        now.atOffset(ZoneOffset.UTC), dueAt == null ? null : dueAt.atOffset(ZoneOffset.UTC)}))
                .chain(() -> cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), event, c.getUUID("child_id"), agency,
                        now, "SAFEGUARDING", false, details), subject, context(c)));
    }

    /** Moves an open challenge to its next level, with that level's deadline. */
    Uni<Notifier.Outcome> escalate(SqlClient tx, Row c, String agency, String subject, String reason, Instant now) {
        int at = LEVELS.indexOf(c.getString("level"));
        if (!"OPEN".equals(c.getString("status")) || at == LEVELS.size() - 1) {
            throw new ApiException(409, "CANNOT_ESCALATE",
                    "The challenge is resolved or already at its last level (the safeguarding partnership).", List.of());
        }
        String next = LEVELS.get(at + 1);
        String event = eventFor(next);
        Instant due = deadline(c, event, agency, now);
        return tx.preparedQuery("UPDATE challenge SET level = $2, due_at = $3 WHERE id = $1")
                .execute(Tuple.of(c.getUUID("id"), next, due == null ? null : due.atOffset(ZoneOffset.UTC)))
                .chain(() -> step(tx, c, "escalated", next, event, agency, subject, reason, due, now));
    }

    /** The challenge as its parties see it, with every step. */
    Uni<ChallengeResource.Challenge> view(SqlClient tx, UUID id, Notifier.Outcome notified) {
        return tx.preparedQuery("SELECT * FROM challenge WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> tx.preparedQuery("SELECT * FROM challenge_step WHERE challenge_id = $1 ORDER BY at, step")
                        .execute(Tuple.of(id)).map(steps -> {
                            Row c = rows.iterator().next();
                            List<ChallengeResource.Step> out = new ArrayList<>();
                            for (Row s : steps) {
                                out.add(new ChallengeResource.Step(s.getString("step"), s.getString("level"),
                                        s.getString("by_agency"), s.getString("by_subject"), s.getString("text"),
                                        s.getOffsetDateTime("at").toInstant(), instant(s, "due_at")));
                            }
                            return new ChallengeResource.Challenge(id, c.getUUID("child_id"), c.getString("decision_type"),
                                    c.getUUID("decision_id"), c.getString("challenged_agency"),
                                    c.getString("challenging_agency"), c.getString("grounds"), c.getString("level"),
                                    c.getString("status"), instant(c, "due_at"), instant(c, "created_at"),
                                    instant(c, "resolved_at"), c.getString("outcome"), out, notified);
                        }));
    }

    private static Instant instant(Row r, String column) {
        return r.getOffsetDateTime(column) == null ? null : r.getOffsetDateTime(column).toInstant();
    }
}
