package uk.safeguarding.protocol.model;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * An information-sharing protocol as signed: its parties, the lawful bases and data categories it
 * covers, its sharing rules, its notification duties and where the relationships it creates come
 * from (its standing clauses). Immutable.
 *
 * @param effectiveTo inclusive; null for open-ended (the linter warns, since protocols need review)
 * @param leadDpo the signatory whose DPO may take the partnership-wide view of the audit (rules with
 *     {@code scope: partnership}); null when the protocol names none
 */
public record Protocol(
        String id,
        String version,
        String title,
        ProtocolStatus status,
        LocalDate effectiveFrom,
        LocalDate effectiveTo,
        String owner,
        List<Signatory> signatories,
        List<String> lawfulBases,
        List<String> categories,
        List<SharingRule> rules,
        List<Duty> duties,
        List<StandingClause> standing,
        Retention retention,
        Origin origin,
        String leadDpo) {

    /** A protocol that names no lead DPO and says nothing of where relationships come from. */
    public Protocol(String id, String version, String title, ProtocolStatus status, LocalDate effectiveFrom,
            LocalDate effectiveTo, String owner, List<Signatory> signatories, List<String> lawfulBases,
            List<String> categories, List<SharingRule> rules, List<Duty> duties, Retention retention, Origin origin) {
        this(id, version, title, status, effectiveFrom, effectiveTo, owner, signatories, lawfulBases, categories, rules,
                duties, List.of(), retention, origin, null);
    }

    public Protocol {
        signatories = List.copyOf(signatories);
        lawfulBases = List.copyOf(lawfulBases);
        categories = List.copyOf(categories);
        rules = List.copyOf(rules);
        duties = List.copyOf(duties);
        standing = List.copyOf(standing);
    }

    /** {@code id@version}, the prefix of every reason the engine gives. */
    public String ref() {
        return id + "@" + version;
    }

    public String clauseRef(String clauseId) {
        return ref() + "#" + clauseId;
    }

    public boolean inForceOn(LocalDate day) {
        return status == ProtocolStatus.ACTIVE
                && effectiveFrom != null && !day.isBefore(effectiveFrom)
                && (effectiveTo == null || !day.isAfter(effectiveTo));
    }

    public Optional<Signatory> signatory(String agencyId) {
        return signatories.stream().filter(s -> s.agencyId().equals(agencyId)).findFirst();
    }

    /** Signed up and in force on that day: the protocol is active and the agency's membership covers it. */
    public boolean hasSignatoryOn(String agencyId, LocalDate day) {
        if (!inForceOn(day)) {
            return false;
        }
        return signatory(agencyId)
                .filter(s -> (s.since() == null || !day.isBefore(s.since())) && (s.until() == null || !day.isAfter(s.until())))
                .isPresent();
    }
}
