package uk.safeguarding.gateway.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A consent to sharing as recorded through the gateway (the JSON form; FHIR R4 {@code Consent} maps
 * onto it one to one, see docs/CONSENT.md). Who consented and on what basis, provisions that permit or
 * deny by data category, recipient agency type and purpose, and the period it covers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsentRecord(UUID id, UUID childId, Identifier child, String status, ConsentedBy consentedBy,
        List<Provision> provisions, Period period, Recorded recorded, Withdrawal withdrawal,
        List<String> awaitingApprovalFrom) {

    public static final String ACTIVE = "ACTIVE";
    public static final String WITHDRAWN = "WITHDRAWN";
    /** Would loosen another agency's refusal or withdrawal: not in effect until that agency's supervisor approves. */
    public static final String PENDING_APPROVAL = "PENDING_APPROVAL";

    public ConsentRecord {
        awaitingApprovalFrom = awaitingApprovalFrom == null || awaitingApprovalFrom.isEmpty() ? null
                : List.copyOf(awaitingApprovalFrom);
    }

    public ConsentRecord(UUID id, UUID childId, Identifier child, String status, ConsentedBy consentedBy,
            List<Provision> provisions, Period period, Recorded recorded, Withdrawal withdrawal) {
        this(id, childId, child, status, consentedBy, provisions, period, recorded, withdrawal, null);
    }

    /** The child's identifier (NHS number or a local identifier), as system and value. */
    public record Identifier(String system, String value) {
    }

    /**
     * Who gave or refused consent: {@code child} (basis {@code gillick-competent} or {@code aged-16-or-over})
     * or {@code parental-responsibility} (basis: how that person holds it). {@code description} is a role,
     * e.g. "mother", never a name.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConsentedBy(String type, String basis, String description) {
    }

    /**
     * Permit or deny sharing of these categories; an empty list of agency types or purposes means any.
     */
    public record Provision(String type, List<String> categories, List<String> recipientAgencyTypes,
            List<String> purposes) {

        public Provision {
            categories = categories == null ? List.of() : List.copyOf(categories);
            recipientAgencyTypes = recipientAgencyTypes == null ? List.of() : List.copyOf(recipientAgencyTypes);
            purposes = purposes == null ? List.of() : List.copyOf(purposes);
        }

        boolean covers(String category, String agencyType, String purpose) {
            return categories.contains(category) && (recipientAgencyTypes.isEmpty() || recipientAgencyTypes.contains(agencyType))
                    && (purposes.isEmpty() || purposes.contains(purpose));
        }
    }

    /** From {@code start} (inclusive) to {@code end} (exclusive, open when null). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Period(Instant start, Instant end) {

        boolean covers(Instant at) {
            return (start == null || !start.isAfter(at)) && (end == null || end.isAfter(at));
        }
    }

    /** Which agency recorded it, by whom (subject id), when. */
    public record Recorded(String agency, String by, Instant at) {
    }

    /**
     * When and by whom consent was withdrawn, the reason given, and on whose word ({@code child} or
     * {@code parental-responsibility}; required when an agency withdraws another agency's record).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Withdrawal(Instant at, String agency, String by, String reason, String onWordOf) {

        public Withdrawal(Instant at, String agency, String by, String reason) {
            this(at, agency, by, reason, null);
        }
    }

    /** A consent as sent by a caller, before it has an id. */
    public record NewConsent(Identifier child, ConsentedBy consentedBy, List<Provision> provisions, Period period) {
    }

    public boolean withdrawn() {
        return WITHDRAWN.equals(status);
    }

    /** Waiting for another agency's supervisor: not in effect for any decision yet. */
    public boolean pending() {
        return PENDING_APPROVAL.equals(status);
    }
}
