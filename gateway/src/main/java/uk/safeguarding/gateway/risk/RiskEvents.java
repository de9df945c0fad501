package uk.safeguarding.gateway.risk;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * The case events risk raises through the protocols' duties: {@code risk-changed} to every involved
 * agency once a level takes effect, {@code risk-agreement-requested} to an agency whose higher level a
 * proposal would go below (before anything changes; the duty's deadline and escalation apply), and
 * {@code risk-review-overdue} to the agency whose assessment was not reviewed in time.
 */
@ApplicationScoped
class RiskEvents {

    private final Cases cases;

    RiskEvents(Cases cases) {
        this.cases = cases;
    }

    /** What a risk event says about an assessment. */
    record About(UUID assessmentId, UUID childId, String level, String previousLevel, String rationale,
            List<String> indicators, LocalDate reviewBy, String agency, String subject) {
    }

    /** Every involved agency hears the change of the shared level, with who decided and why. */
    Uni<Notifier.Outcome> changed(SqlClient tx, About a, String sharedBefore, String sharedAfter, String approvedBy,
            List<String> agreedBy, Instant now) {
        // Everyone involved with the child as a whole; a referrer follows only its own referral.
        return tx.preparedQuery("SELECT DISTINCT agency_id FROM relationship WHERE child_id = $1 AND ended_at IS NULL "
                        + "AND standing <> 'refused' AND scope = 'child'")
                .execute(Tuple.of(a.childId()))
                .chain(rows -> cases.context(tx, a.childId()).chain(ctx -> {
                    CaseContext.Builder all = CaseContext.builder();
                    ctx.build().agencies().forEach(all::role);
                    int i = 0;
                    for (Row r : rows) {
                        all.role("involved-" + (i++), r.getString("agency_id"));
                    }
                    Map<String, Object> risk = risk(a);
                    risk.put("sharedLevel", sharedAfter);
                    risk.put("previousSharedLevel", sharedBefore);
                    risk.put("change", change(a.previousLevel(), a.level()));
                    risk.put("agreedByAgencies", agreedBy);
                    Map<String, Object> history = history(a);
                    Optional.ofNullable(approvedBy).ifPresent(s -> history.put("approvedBy", s));
                    return cases.record(tx, event("risk-changed", a, risk, history, now), a.subject(), all.build());
                }));
    }

    /** Each agency whose higher level the proposal goes below is asked to agree, before it takes effect. */
    Uni<Notifier.Outcome> agreementRequested(SqlClient tx, About a, Map<String, String> asked, Instant now) {
        List<CaseContext> contexts = new ArrayList<>();
        asked.keySet().forEach(agency -> contexts.add(CaseContext.builder().role("risk-agreer", agency).build()));
        Map<String, Object> risk = risk(a);
        risk.put("change", "DOWNGRADE-PROPOSED");
        risk.put("agreementFrom", new ArrayList<>(asked.keySet()));
        risk.put("agreementLink", "/api/v1/risk-assessments/" + a.assessmentId() + "/agreement");
        return cases.record(tx, event("risk-agreement-requested", a, risk, history(a), now), a.subject(), contexts);
    }

    /** The agency whose current level was due for review by now hears it is overdue. */
    Uni<Notifier.Outcome> reviewOverdue(SqlClient tx, About a, Instant now) {
        Map<String, Object> risk = risk(a);
        risk.put("reviewOverdue", true);
        return cases.record(tx, event("risk-review-overdue", a, risk, Map.of(), now), "gateway",
                CaseContext.builder().role("risk-assessor", a.agency()).build());
    }

    private static Map<String, Object> risk(About a) {
        Map<String, Object> risk = new LinkedHashMap<>();
        risk.put("assessmentId", a.assessmentId().toString());
        risk.put("level", a.level());
        risk.put("previousLevel", a.previousLevel());
        risk.put("decidedByAgency", a.agency());
        risk.put("reviewBy", a.reviewBy() == null ? null : a.reviewBy().toString());
        return risk;
    }

    /** Who decided and why is risk history: councils, police and health hear it (risk-change protocol). */
    private static Map<String, Object> history(About a) {
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("assessmentId", a.assessmentId().toString());
        history.put("rationale", a.rationale());
        history.put("indicators", a.indicators());
        history.put("decidedBy", a.subject());
        return history;
    }

    private static Notifier.CaseEvent event(String type, About a, Map<String, Object> risk, Map<String, Object> history,
            Instant now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("identity", Map.of("childId", a.childId().toString()));
        details.put("risk", risk);
        details.put("risk-history", history);
        String raisedBy = "risk-review-overdue".equals(type) ? "gateway" : a.agency();
        return new Notifier.CaseEvent(UUID.randomUUID(), type, a.childId(), raisedBy, now, "SAFEGUARDING", false, details);
    }

    static String change(String previous, String level) {
        if (previous == null) {
            return "FIRST";
        }
        int d = RiskLevels.rank(level) - RiskLevels.rank(previous);
        return d < 0 ? "DOWNGRADE" : d > 0 ? "RAISE" : "UNCHANGED";
    }
}
