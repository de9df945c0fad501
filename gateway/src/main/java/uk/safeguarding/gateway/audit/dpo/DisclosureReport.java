package uk.safeguarding.gateway.audit.dpo;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * Every disclosure of information about one child, fit to answer a subject access request (UK GDPR
 * Art 15(1)(c): the recipients to whom the data have been disclosed). Organisations are named;
 * individual people are not (third-party identities, DPA 2018 Sch 2 para 16). For a parent's
 * request the DPO may withhold child abuse data (DPA 2018 Sch 3 Part 5 para 21); the requester's
 * copy then says nothing about it, because saying so would itself reveal it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DisclosureReport(UUID childId, Instant generatedAt, Instant from, Instant to, String requester,
        List<Disclosure> disclosures, boolean truncated, DpoNotes dpoNotes) {

    /** One disclosure: when, to which organisation, what kinds of information, why and on what basis. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Disclosure(Instant when, Recipient recipient, List<String> categories, String purpose,
            String purposeMeaning, String lawfulBasis, String lawfulBasisMeaning, String action, Override override,
            UUID auditReference) {
    }

    /** The receiving organisation; the person or system acting for it is described, never identified. */
    public record Recipient(String agency, String agencyKind, String actedThrough) {
    }

    /** An override of the usual rules (break-glass); who approved it is a third party, so redacted. */
    public record Override(boolean used, String approver) {
    }

    /** For the DPO's file only: how the report was redacted. Not part of the requester's printed copy. */
    public record DpoNotes(String thirdPartyIdentities, int withheldAsChildAbuseData, List<String> withheldCategories) {
    }

    static final String REDACTED = "redacted";

    static DisclosureReport build(UUID childId, Instant from, Instant to, String requester, boolean withhold,
            Set<String> childAbuseCategories, List<AuditEntry> entries, int max) {
        List<Disclosure> disclosures = new ArrayList<>();
        int withheld = 0;
        for (AuditEntry e : entries.subList(0, Math.min(entries.size(), max))) {
            // Withholding works per disclosure, not per category: "information was given to the police on
            // this date" would itself tell a parent what the withheld categories hide.
            if (withhold && e.categories().stream().anyMatch(childAbuseCategories::contains)) {
                withheld++;
                continue;
            }
            boolean override = e.overrideJustification() != null || e.overrideApprover() != null;
            disclosures.add(new Disclosure(e.recordedAt(),
                    new Recipient(e.actorAgency(), AuditCodes.agencyKind(e.actorAgency()),
                            "CLIENT".equals(e.actorKind()) ? "the organisation's case system"
                                    : "a member of staff (name " + REDACTED + ")"),
                    e.categories(), e.purpose(), AuditCodes.PURPOSES.get(e.purpose()), e.lawfulBasis(),
                    e.lawfulBasis() == null ? null : AuditCodes.LAWFUL_BASES.get(e.lawfulBasis()), e.action(),
                    override ? new Override(true, e.overrideApprover() == null ? null : REDACTED) : null, e.id()));
        }
        return new DisclosureReport(childId, Instant.now(), from, to, requester, List.copyOf(disclosures),
                entries.size() > max, new DpoNotes(REDACTED, withheld,
                        withhold ? childAbuseCategories.stream().sorted().toList() : List.of()));
    }
}
