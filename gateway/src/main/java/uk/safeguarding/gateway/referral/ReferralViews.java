package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.problem.Problem.FieldError;

/** The API's response shapes (openapi.yaml schemas of the same names). */
public final class ReferralViews {

    private ReferralViews() {
    }

    /** One recipient's inbox entry as the sender and readers see it: who, why, what it may see, its response. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Recipient(String agency, String caseRole, String relationship, String dutyRef, List<String> categories,
            String status, OffsetDateTime ackDueAt, OffsetDateTime acknowledgedAt, OffsetDateTime decidedAt,
            String reason) {
    }

    /** What the sender gets back from creating a referral (and again on an idempotent repeat). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Receipt(UUID id, UUID childId, OffsetDateTime createdAt, List<Recipient> recipients,
            List<FieldError> warnings) {
    }

    /**
     * A referral as one reader may see it: only the released categories' fields and supporting records
     * ({@code attachments}, FHIR resources as sent), and which categories were withheld.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Read(UUID id, UUID childId, OffsetDateTime createdAt, Referral referral,
            List<String> permittedCategories, List<String> redactedCategories, List<FieldError> languageFlags,
            List<Recipient> recipients, List<Attachment> attachments) {
    }

    /** One row of a recipient agency's inbox: the minimum to triage, and the link to read more. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InboxEntry(UUID referralId, UUID childId, String requesterAgency, OffsetDateTime receivedAt,
            String status, OffsetDateTime ackDueAt, List<String> categories, String riskLevel,
            List<String> concernCategories, String link) {

        /** The entry kind: the inbox also lists the agency's strategy actions ({@code strategy-action}). */
        @com.fasterxml.jackson.annotation.JsonProperty("kind")
        public String kind() {
            return "referral";
        }
    }

    /** A recipient's response: acknowledge, accept, or decline with a reason. */
    public record Response(String reason) {
    }
}
