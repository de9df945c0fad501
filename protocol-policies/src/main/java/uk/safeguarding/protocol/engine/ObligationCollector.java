package uk.safeguarding.protocol.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import uk.safeguarding.protocol.engine.CompiledRule.Outcome;
import uk.safeguarding.protocol.model.AuditLevel;
import uk.safeguarding.protocol.model.SharingRule;

/**
 * Gathers the obligations of every granting clause, once each, with a single audit level (the highest).
 * A decision has a handful of obligations, so a list with a linear duplicate check beats a map here.
 */
final class ObligationCollector {

    static final String NOTIFY = "tell the owning agency who used this record, and under which clause";
    static final String OWN_AGENCY = "limit results to records of the actor's own agency";
    static final String PARTNERSHIP = "results across every signatory of the protocol; flag the view to each signatory's DPO";

    private final List<Obligation> items = new ArrayList<>(4);
    private AuditLevel audit = null;
    private String auditClause;

    void add(CompiledRule compiled, String category, Outcome outcome, DecisionRequest r) {
        SharingRule rule = compiled.rule;
        // an override is individually reviewable whatever the clause says
        AuditLevel level = outcome.viaOverride() ? AuditLevel.FULL : rule.audit();
        if (audit == null || level.compareTo(audit) > 0) {
            audit = level;
            auditClause = compiled.ref;
        }
        if (rule.notifyOwner().acceptsAnyOf(r.actor().roles())) {
            put(Obligation.Type.NOTIFY_OWNING_AGENCY, null, NOTIFY, compiled.ref);
        }
        String handling = rule.handling().get(category);
        if (handling != null) {
            put(Obligation.Type.HANDLING, category, handling, compiled.ref);
        }
        if (SharingRule.OWN_AGENCY.equals(rule.scope())) {
            put(Obligation.Type.RESTRICT_TO_OWN_AGENCY, null, OWN_AGENCY, compiled.ref);
        }
        if (rule.isPartnership()) {
            put(Obligation.Type.PARTNERSHIP_VIEW, null, PARTNERSHIP, compiled.ref);
        }
        if (outcome.viaOverride()) {
            put(Obligation.Type.FLAG_DPO_REVIEW, null, "consent " + r.consent().code() + ": shared on a justified override under "
                    + outcome.lawfulBasis(), compiled.ref);
        }
        if (rule.secondApproverRole() != null) {
            put(Obligation.Type.RECORD_APPROVAL, null, "record the rationale and the approver ("
                    + r.approval().approver().subject() + ") with the record's history; never overwrite the previous value",
                    compiled.ref);
        }
    }

    private void put(Obligation.Type type, String category, String detail, String clause) {
        for (Obligation o : items) {
            if (o.type() == type && Objects.equals(o.category(), category) && o.detail().equals(detail)) {
                return;
            }
        }
        items.add(new Obligation(type, category, detail, clause));
    }

    List<Obligation> list() {
        List<Obligation> out = new ArrayList<>(items.size() + 1);
        if (audit != null) {
            out.add(new Obligation(Obligation.Type.AUDIT, null, audit.code(), auditClause));
        }
        out.addAll(items);
        return out;
    }
}
