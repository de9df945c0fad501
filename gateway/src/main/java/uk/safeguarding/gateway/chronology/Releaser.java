package uk.safeguarding.gateway.chronology;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Standing;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;

/**
 * The per-entry decisions of one chronology read: the caller's standing and the child's consents are
 * loaded once, then each entry is decided exactly as {@link PolicyService#authorised} decides its record
 * (the relationship kinds that count for that record, the consent per category, the data's source as
 * counterparty), without the 404/403 a single read would answer: a withheld entry is simply left out.
 * Decisions are cached per question, so a page of one agency's records costs one engine call.
 */
public final class Releaser {

    private final PolicyService policy;
    private final Actor reader;
    private final PurposeOfUse purpose;
    private final Standing standing;
    private final ChildConsents consents;
    private final Map<UUID, Boolean> missing;
    private final Map<String, Decision> cache = new HashMap<>();
    private final Set<String> owners = new LinkedHashSet<>();

    Releaser(PolicyService policy, Actor reader, PurposeOfUse purpose, Standing standing, ChildConsents consents,
            Map<UUID, Boolean> missing) {
        this.policy = policy;
        this.reader = reader;
        this.purpose = purpose;
        this.standing = standing;
        this.consents = consents;
        this.missing = missing;
    }

    public Actor reader() {
        return reader;
    }

    public UUID childId() {
        return standing.childId();
    }

    /** The children the read covers: the one asked for, then the child merged with it (if any). */
    public List<UUID> childIds() {
        return List.copyOf(missing.keySet());
    }

    /**
     * Whether {@code childId} (one of {@link #childIds()}: the row a record was written for) is missing
     * for this reader, as that record's own read tells the engine.
     */
    public boolean missing(UUID childId) {
        Boolean m = missing.get(childId);
        if (m == null) {
            throw new IllegalArgumentException("child " + childId + " is not covered by this read");
        }
        return m;
    }

    /** The caller's standing with the child (what a feature's own read checks beyond the engine). */
    public Standing standing() {
        return standing;
    }

    /**
     * The engine's decision on {@code target} for {@code action} and {@code categories}; {@code refine}
     * as the record's own read refines its request (e.g. whether the child is missing), and {@code key}
     * names the refinement for the cache.
     */
    public Decision decide(Target target, String action, List<String> categories, String key,
            UnaryOperator<DecisionRequest.Builder> refine) {
        // The record matters to the engine only through the relationship kinds that count for it.
        return decide(standing.kindsFor(target.record()), target.source(), action, categories, key, refine);
    }

    /** As {@link #decide(Target, String, List, String, UnaryOperator)} with the kinds given (a whole-child read). */
    public Decision decideWholeChild(String source, String action, List<String> categories) {
        return decide(standing.kindsFor(RecordRef.wholeChild()), source, action, categories, "whole", b -> b);
    }

    /**
     * As {@link #decide(Target, String, List, String, UnaryOperator)} for a record whose relationship is a
     * fact of the record itself (a strategy discussion's participants), with the kinds given.
     */
    public Decision decideAs(Set<String> kinds, String source, String action, List<String> categories) {
        return decide(kinds, source, action, categories, "as", b -> b);
    }

    private Decision decide(Set<String> kinds, String source, String action, List<String> categories, String key,
            UnaryOperator<DecisionRequest.Builder> refine) {
        String cacheKey = String.join("|", kinds) + "#" + source + "#" + action + "#" + categories + "#" + key;
        return cache.computeIfAbsent(cacheKey, k -> policy.decide(reader, action, purpose, kinds, categories, consents,
                b -> refine.apply(b.counterparty(source))).decision());
    }

    /**
     * The entry of a record only its owning agency reads (its own read answers anyone else like a random
     * id: the overrides): the row's owner must be the reader; the kind is the record type.
     */
    public java.util.Optional<ChronologyEntry> ownAgencyOnly(io.vertx.mutiny.sqlclient.Row row, String link,
            java.util.Map<String, Object> details) {
        String owner = row.getString("owner");
        if (!owner.equals(reader.agencyId())) {
            return java.util.Optional.empty();
        }
        released(owner);
        String kind = row.getString("kind");
        return java.util.Optional.of(new ChronologyEntry(kind, row.getOffsetDateTime("at").toInstant(), row.getString("code"),
                new ChronologyEntry.Agency(row.getString("agency"), null), null, kind, row.getUUID("record_id"), link, details));
    }

    /** An entry owned by {@code owner} is released: the audit names the owner (DPO scope), as other reads do. */
    public void released(String owner) {
        if (owner != null) {
            owners.add(owner);
        }
    }

    void recordOwners() {
        owners.forEach(o -> policy.disclosed(o, reader));
    }
}
