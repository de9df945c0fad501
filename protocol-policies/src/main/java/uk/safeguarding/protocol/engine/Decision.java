package uk.safeguarding.protocol.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Effect;

/**
 * The engine's answer. A PERMIT may cover only some of the requested categories: release exactly
 * {@link #permittedCategories()} and redact the rest. A DENY carries a stable {@link #denialCode()}
 * and the rule that decided, never anything about the withheld data itself.
 *
 * @param withheld each requested category that is not released, with the code that withheld it
 * @param reasons clause references ({@code protocol@version#clause}) that contributed: for a permit,
 *     every clause that granted a released category and every explicit deny that withheld one; for a
 *     deny, the explicit denies that applied, or else the clause that came closest to permitting
 * @param lawfulBasisByCategory the lawful basis each released category is shared under
 * @param denialCode null for a permit
 * @param rule the deciding clause reference, or {@code default-deny}, {@code signatory-check},
 *     {@code request-check} when no clause decided
 * @param article6ByCategory the UK GDPR Art 6 basis of each released category (absent for law-enforcement
 *     processing under DPA 2018 Part 3, which has none)
 * @param article9ByCategory for each released special category, the Art 9 (or DPA Sch 1 or Sch 8)
 *     condition it is shared under
 */
public record Decision(
        Effect effect,
        List<String> permittedCategories,
        Map<String, DenialCode> withheld,
        List<Obligation> obligations,
        List<String> reasons,
        Map<String, String> lawfulBasisByCategory,
        DenialCode denialCode,
        String rule,
        Map<String, String> article6ByCategory,
        Map<String, String> article9ByCategory) {

    public static final String DEFAULT_DENY = "default-deny";
    public static final String SIGNATORY_CHECK = "signatory-check";
    public static final String REQUEST_CHECK = "request-check";

    public Decision {
        permittedCategories = List.copyOf(permittedCategories);
        withheld = Collections.unmodifiableMap(new LinkedHashMap<>(withheld));
        obligations = List.copyOf(obligations);
        reasons = List.copyOf(reasons);
        lawfulBasisByCategory = Collections.unmodifiableMap(new LinkedHashMap<>(lawfulBasisByCategory));
        article6ByCategory = Collections.unmodifiableMap(new LinkedHashMap<>(article6ByCategory));
        article9ByCategory = Collections.unmodifiableMap(new LinkedHashMap<>(article9ByCategory));
    }

    /** A decision whose bases are not split into Art 6 and Art 9 (merged or synthetic decisions). */
    public Decision(Effect effect, List<String> permittedCategories, Map<String, DenialCode> withheld,
            List<Obligation> obligations, List<String> reasons, Map<String, String> lawfulBasisByCategory,
            DenialCode denialCode, String rule) {
        this(effect, permittedCategories, withheld, obligations, reasons, lawfulBasisByCategory, denialCode, rule,
                Map.of(), Map.of());
    }

    static Decision deny(DenialCode code, String rule, List<String> reasons, Map<String, DenialCode> withheld) {
        return new Decision(Effect.DENY, List.of(), withheld, List.of(), reasons, Map.of(), code, rule);
    }

    public boolean isPermit() {
        return effect == Effect.PERMIT;
    }

    /**
     * The lawful basis to record: the single basis when all released categories share one, otherwise
     * the distinct bases joined with {@code ", "} (see {@link #lawfulBasisByCategory()} for which is which);
     * null for a denial.
     */
    public String lawfulBasis() {
        if (lawfulBasisByCategory.isEmpty()) {
            return null;
        }
        return String.join(", ", new LinkedHashSet<>(lawfulBasisByCategory.values()));
    }

    /**
     * The bases to record in an audit trail: for each released category its Art 6 basis, then (special
     * categories) its Art 9 condition, falling back to {@link #lawfulBasisByCategory()} where neither is
     * known; distinct, joined with {@code ", "}; null for a denial. Health released on Sch 1 para 18
     * reads {@code "ukgdpr-6-1-e, ukgdpr-9-2-g+dpa-sch1-p18"}.
     */
    public String recordedBasis() {
        if (lawfulBasisByCategory.isEmpty()) {
            return null;
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        lawfulBasisByCategory.forEach((category, basis) -> {
            String a6 = article6ByCategory.get(category);
            String a9 = article9ByCategory.get(category);
            if (a6 == null && a9 == null) {
                out.add(basis);
            }
            if (a6 != null) {
                out.add(a6);
            }
            if (a9 != null) {
                out.add(a9);
            }
        });
        return String.join(", ", out);
    }

    public boolean has(Obligation.Type type) {
        return obligations.stream().anyMatch(o -> o.type() == type);
    }
}
