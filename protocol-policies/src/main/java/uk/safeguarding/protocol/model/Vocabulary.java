package uk.safeguarding.protocol.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local code system protocols are written in: agency types and known agencies, realm roles,
 * actions, purposes of use, lawful bases, data categories, relationship kinds, case roles, events and
 * case dates. HL7 has no "safeguarding" purpose of use, so these codes are ours (see DUTIES.md).
 * Each map goes from code to a one-line meaning, kept for the CLI and documentation.
 */
public record Vocabulary(
        Map<String, String> agencyTypes,
        Map<String, String> agencies,
        Map<String, String> roles,
        Map<String, Action> actions,
        Map<String, String> purposes,
        Map<String, LawfulBasis> lawfulBases,
        Map<String, Category> categories,
        Map<String, String> relationships,
        Map<String, String> caseRoles,
        Map<String, String> events,
        Map<String, String> caseDates) {

    /** Case role meaning "every agency recorded in the case". */
    public static final String ALL_INVOLVED = "all-involved";

    /** {@code actorIsSender}: the actor is the rule's {@code from} side (refer), else its {@code to} side. */
    public record Action(String meaning, boolean actorIsSender) {
    }

    /**
     * @param special can be a condition for processing special category (or criminal offence) data
     * @param consent the basis is the data subject's consent
     * @param article6 for a special-category condition (Art 9 or DPA Sch 1), the UK GDPR Art 6 basis it is
     *     paired with; null where none applies (law-enforcement processing under DPA 2018 Part 3)
     * @param validFrom the day the basis commenced, or null (a rule may not rely on it in a protocol in
     *     force before then)
     * @param agencyTypes the agency types that may rely on it (empty: any)
     */
    public record LawfulBasis(String meaning, boolean special, boolean consent, String article6,
            java.time.LocalDate validFrom, java.util.List<String> agencyTypes) {

        public LawfulBasis {
            agencyTypes = agencyTypes == null ? java.util.List.of() : java.util.List.copyOf(agencyTypes);
        }

        public LawfulBasis(String meaning, boolean special, boolean consent) {
            this(meaning, special, consent, null, null, java.util.List.of());
        }
    }

    /** @param special special category or criminal offence data: sharing without consent needs a special basis */
    public record Category(String meaning, boolean special) {
    }

    public Vocabulary {
        agencyTypes = copy(agencyTypes);
        agencies = copy(agencies);
        roles = copy(roles);
        actions = copy(actions);
        purposes = copy(purposes);
        lawfulBases = copy(lawfulBases);
        categories = copy(categories);
        relationships = copy(relationships);
        caseRoles = copy(caseRoles);
        events = copy(events);
        caseDates = copy(caseDates);
    }

    private static <V> Map<String, V> copy(Map<String, V> m) {
        // insertion order is the documented order of the codes; keep it for messages and the CLI
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The agency type is the prefix of the id: {@code police:met} is a {@code police} agency. */
    public static String agencyTypeOf(String agencyId) {
        int colon = agencyId == null ? -1 : agencyId.indexOf(':');
        return colon <= 0 ? "" : agencyId.substring(0, colon);
    }

    public boolean actorIsSender(String action) {
        Action a = actions.get(action);
        return a != null && a.actorIsSender();
    }

    public boolean isSpecial(String category) {
        Category c = categories.get(category);
        return c != null && c.special();
    }
}
