package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The canonical referral: what the JSON API (openapi.yaml, schema {@code Referral}) and the FHIR
 * ServiceRequest both map to. Each content field belongs to one data category of the protocols, so
 * a reader sees exactly the fields of the categories its decision released.
 *
 * <ul>
 *   <li>identity: {@code child}</li>
 *   <li>risk: {@code riskLevel}, {@code concernCategories}, {@code summary}</li>
 *   <li>health, police-intelligence, education, missing, placement: the fields of those names</li>
 * </ul>
 * {@code requesterAgency}, {@code requesterContact} and {@code homeCouncil} are routing metadata
 * every reader of the referral may see.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Referral(
        String requesterAgency,
        String requesterContact,
        String homeCouncil,
        Child child,
        String riskLevel,
        List<String> concernCategories,
        String summary,
        String health,
        Intelligence policeIntelligence,
        String education,
        String missing,
        String placement) {

    public static final String IDENTITY = "identity";
    public static final String RISK = "risk";
    public static final String HEALTH = "health";
    public static final String POLICE_INTELLIGENCE = "police-intelligence";
    public static final String EDUCATION = "education";
    public static final String MISSING = "missing";
    public static final String PLACEMENT = "placement";

    /**
     * The child; at least one identifier (NHS number or a local one) and the date of birth are required.
     * {@code postcode} is for identity matching only (docs/IDENTITY.md): it becomes a keyed matching key
     * and is not kept in the stored referral.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Child(String nhsNumber, LocalIdentifier localIdentifier, String givenName, String familyName,
            String birthDate, String postcode) {

        public Child(String nhsNumber, LocalIdentifier localIdentifier, String givenName, String familyName,
                String birthDate) {
            this(nhsNumber, localIdentifier, givenName, familyName, birthDate, null);
        }
    }

    /** The referral as stored and shown: without the data kept for matching only. */
    public Referral withoutMatchingData() {
        if (child == null || child.postcode() == null) {
            return this;
        }
        return new Referral(requesterAgency, requesterContact, homeCouncil, new Child(child.nhsNumber(),
                child.localIdentifier(), child.givenName(), child.familyName(), child.birthDate()), riskLevel,
                concernCategories, summary, health, policeIntelligence, education, missing, placement);
    }

    /** An agency's own identifier for the child (a council case number, a police person id). */
    public record LocalIdentifier(String system, String value) {
    }

    /** Police intelligence: the text, its 3x5x2 grading and handling code (conditions travel with it). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Intelligence(String text, String grading, String handlingCode) {
    }

    /** The data categories this referral carries content for, identity and risk always first. */
    public List<String> presentCategories() {
        List<String> categories = new ArrayList<>(List.of(IDENTITY, RISK));
        if (notBlank(health)) {
            categories.add(HEALTH);
        }
        if (policeIntelligence != null) {
            categories.add(POLICE_INTELLIGENCE);
        }
        if (notBlank(education)) {
            categories.add(EDUCATION);
        }
        if (notBlank(missing)) {
            categories.add(MISSING);
        }
        if (notBlank(placement)) {
            categories.add(PLACEMENT);
        }
        return categories;
    }

    /** The copy a reader sees: fields of categories not in {@code permitted} are removed, not masked. */
    public Referral redactedTo(Set<String> permitted) {
        boolean risk = permitted.contains(RISK);
        return new Referral(requesterAgency, requesterContact, homeCouncil,
                permitted.contains(IDENTITY) ? child : null,
                risk ? riskLevel : null, risk ? concernCategories : null, risk ? summary : null,
                permitted.contains(HEALTH) ? health : null,
                permitted.contains(POLICE_INTELLIGENCE) ? policeIntelligence : null,
                permitted.contains(EDUCATION) ? education : null,
                permitted.contains(MISSING) ? missing : null,
                permitted.contains(PLACEMENT) ? placement : null);
    }

    /** Free-text fields by JSON pointer, for the language check. */
    public Map<String, String> freeText() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("/summary", summary);
        text.put("/health", health);
        text.put("/policeIntelligence/text", policeIntelligence == null ? null : policeIntelligence.text());
        text.put("/education", education);
        text.put("/missing", missing);
        text.put("/placement", placement);
        return text;
    }

    /** The data category a field (JSON pointer) belongs to. */
    public static String categoryOf(String pointer) {
        if (pointer.startsWith("/child")) {
            return IDENTITY;
        }
        if (pointer.startsWith("/policeIntelligence")) {
            return POLICE_INTELLIGENCE;
        }
        String first = pointer.substring(1).split("/")[0];
        return switch (first) {
            case "health" -> HEALTH;
            case "education" -> EDUCATION;
            case "missing" -> MISSING;
            case "placement" -> PLACEMENT;
            default -> RISK;
        };
    }

    static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
