package uk.safeguarding.protocol.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One question to the engine: may this actor perform this action on these categories of a child's
 * data, for this purpose, now?
 *
 * @param relationships the relationship kinds the actor's agency holds with the child (empty: none)
 * @param categories requested categories, in the order the caller wants them reported
 * @param counterparty the agency on the other side (the owning agency of a read, the recipient of a
 *     referral), or null when the caller does not know or it does not matter; when given, its type
 *     must match the rule's other side
 * @param override null unless the actor asks to share without consent
 * @param approval null unless the action needs a rationale and a second approver
 * @param scope null for an ordinary request, or {@code partnership} when the actor asks for results
 *     across a protocol's signatories (only rules with that scope can grant it, and they grant nothing else)
 */
public record DecisionRequest(
        Actor actor,
        String action,
        Set<String> relationships,
        List<String> categories,
        String purpose,
        ConsentState consent,
        ConsentOverride override,
        Approval approval,
        ChildState child,
        String counterparty,
        Instant at,
        String scope) {

    /** A request with no scope asked for (every request but a DPO's partnership view). */
    public DecisionRequest(Actor actor, String action, Set<String> relationships, List<String> categories, String purpose,
            ConsentState consent, ConsentOverride override, Approval approval, ChildState child, String counterparty,
            Instant at) {
        this(actor, action, relationships, categories, purpose, consent, override, approval, child, counterparty, at, null);
    }

    public DecisionRequest {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(at, "at");
        relationships = relationships == null ? Set.of() : Set.copyOf(relationships);
        categories = List.copyOf(new LinkedHashSet<>(Objects.requireNonNull(categories, "categories")));
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("a request names at least one data category");
        }
        consent = consent == null ? ConsentState.NOT_SOUGHT : consent;
        child = child == null ? ChildState.NOT_MISSING : child;
    }

    public static Builder builder(Actor actor) {
        return new Builder(actor);
    }

    /** Reads better than an eleven-argument constructor at call sites; every field defaults safely. */
    public static final class Builder {
        private final Actor actor;
        private String action = "read";
        private final Set<String> relationships = new LinkedHashSet<>();
        private final List<String> categories = new ArrayList<>();
        private String purpose;
        private ConsentState consent = ConsentState.NOT_SOUGHT;
        private ConsentOverride override;
        private Approval approval;
        private ChildState child = ChildState.NOT_MISSING;
        private String counterparty;
        private Instant at;
        private String scope;

        private Builder(Actor actor) {
            this.actor = actor;
        }

        public Builder action(String action) {
            this.action = action;
            return this;
        }

        public Builder relationships(String... kinds) {
            relationships.addAll(List.of(kinds));
            return this;
        }

        public Builder relationships(Set<String> kinds) {
            relationships.addAll(kinds);
            return this;
        }

        public Builder categories(String... cats) {
            categories.addAll(List.of(cats));
            return this;
        }

        public Builder categories(List<String> cats) {
            categories.addAll(cats);
            return this;
        }

        public Builder purpose(String purpose) {
            this.purpose = purpose;
            return this;
        }

        public Builder consent(ConsentState consent) {
            this.consent = consent;
            return this;
        }

        public Builder override(ConsentOverride override) {
            this.override = override;
            return this;
        }

        public Builder approval(Approval approval) {
            this.approval = approval;
            return this;
        }

        public Builder missing(boolean missing) {
            this.child = new ChildState(missing, child.foundByReader());
            return this;
        }

        /** The asking agency found the child in a confirmed missing episode (see {@link ChildState}). */
        public Builder foundByReader(boolean found) {
            this.child = new ChildState(child.missing(), found);
            return this;
        }

        public Builder counterparty(String agencyId) {
            this.counterparty = agencyId;
            return this;
        }

        public Builder at(Instant at) {
            this.at = at;
            return this;
        }

        /** {@code partnership} to ask for the lead DPO's partnership-wide view; null (default) otherwise. */
        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        public DecisionRequest build() {
            return new DecisionRequest(actor, action, relationships, categories, purpose, consent, override, approval,
                    child, counterparty, at, scope);
        }
    }
}
