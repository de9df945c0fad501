package uk.safeguarding.gateway.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.consent.ChildConsents.ActiveOverride;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.ConsentOverride;
import uk.safeguarding.protocol.engine.ConsentState;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Effect;

/**
 * A decision taken with the consent that applies to each category, and the override it relied on (if
 * the engine released anything on it). The audit record names the override, its justification and
 * its approver, so the anomaly queue flags it for the DPO and the disclosure report shows it.
 */
public record ConsentedDecision(Decision decision, ActiveOverride override, Map<String, ConsentState> states) {

    private record Group(ConsentState state, ActiveOverride override) {
    }

    static ConsentedDecision decide(Function<DecisionRequest, Decision> engine, Supplier<DecisionRequest.Builder> base,
            String recipientAgencyType, String purpose, List<String> categories, ChildConsents view, Instant now,
            UnaryOperator<DecisionRequest.Builder> refine) {
        Map<Group, List<String>> groups = new LinkedHashMap<>();
        Map<String, ConsentState> states = new LinkedHashMap<>();
        for (String category : new LinkedHashSet<>(categories)) {
            ConsentState state = view.stateFor(category, recipientAgencyType, purpose, now).state();
            states.put(category, state);
            groups.computeIfAbsent(new Group(state, view.overrideFor(category).orElse(null)), g -> new ArrayList<>())
                    .add(category);
        }
        List<Decision> parts = new ArrayList<>();
        ActiveOverride used = null;
        for (Map.Entry<Group, List<String>> g : groups.entrySet()) {
            ActiveOverride o = g.getKey().override();
            DecisionRequest.Builder b = base.get().categories(g.getValue()).consent(g.getKey().state());
            if (o != null) {
                b.override(new ConsentOverride(o.justification(), o.lawfulBasis(), o.approver()));
            }
            Decision d = engine.apply(refine.apply(b).build());
            // The engine flags for DPO review exactly the categories it released on an override.
            if (o != null && d.has(Obligation.Type.FLAG_DPO_REVIEW)) {
                used = o;
            }
            parts.add(d);
        }
        return new ConsentedDecision(merge(new ArrayList<>(states.keySet()), parts), used, states);
    }

    /** One decision from per-group decisions, in the caller's category order. */
    static Decision merge(List<String> order, List<Decision> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<String> permitted = new ArrayList<>();
        Map<String, DenialCode> withheld = new LinkedHashMap<>();
        Map<String, String> bases = new LinkedHashMap<>();
        Map<String, String> article6 = new LinkedHashMap<>();
        Map<String, String> article9 = new LinkedHashMap<>();
        Set<Obligation> obligations = new LinkedHashSet<>();
        Set<String> reasons = new LinkedHashSet<>();
        for (String category : order) {
            for (Decision d : parts) {
                if (d.permittedCategories().contains(category)) {
                    permitted.add(category);
                    bases.put(category, d.lawfulBasisByCategory().get(category));
                    article6.put(category, d.article6ByCategory().get(category));
                    article9.put(category, d.article9ByCategory().get(category));
                } else if (d.withheld().containsKey(category)) {
                    withheld.put(category, d.withheld().get(category));
                }
            }
        }
        parts.forEach(d -> {
            obligations.addAll(d.obligations());
            reasons.addAll(d.reasons());
        });
        bases.values().removeIf(v -> v == null);
        article6.values().removeIf(v -> v == null);
        article9.values().removeIf(v -> v == null);
        if (!permitted.isEmpty()) {
            Decision first = parts.stream().filter(Decision::isPermit).findFirst().orElseThrow();
            return new Decision(Effect.PERMIT, permitted, withheld, new ArrayList<>(obligations), new ArrayList<>(reasons),
                    bases, null, first.rule(), article6, article9);
        }
        Decision first = parts.get(0);
        return new Decision(Effect.DENY, List.of(), withheld, List.of(), new ArrayList<>(reasons), Map.of(),
                first.denialCode(), first.rule());
    }

    /** The decision as the audit record keeps it, naming the override when one was relied on. */
    public RequestContext.AuditedDecision audited() {
        if (override == null) {
            return PolicyService.audited(decision, null, null);
        }
        List<String> reasons = new ArrayList<>(decision.reasons());
        reasons.add("consent-override:" + override.id());
        return new RequestContext.AuditedDecision(decision.effect().name(), decision.permittedCategories(), reasons,
                decision.denialCode() == null ? null : decision.denialCode().name(), decision.recordedBasis(),
                override.justification(), override.approver() == null ? null : override.approver().subject());
    }
}
