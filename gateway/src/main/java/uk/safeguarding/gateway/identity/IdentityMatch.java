package uk.safeguarding.gateway.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A proposal that two child rows are one child (docs/IDENTITY.md): from intake's matching keys or an
 * agency's proposal. Each side is confirmed by an agency holding confirmed child-wide standing on that
 * side; both confirmed, it becomes a {@link ChildLink}. Plain columns, no associations.
 */
@Entity
@Table(name = "identity_match")
public class IdentityMatch {

    public static final String PROPOSED = "PROPOSED";
    public static final String MERGED = "MERGED";
    public static final String REFUSED = "REFUSED";
    public static final String UNMERGED = "UNMERGED";

    @Id
    public UUID id;
    @Column(name = "new_child_id", updatable = false)
    public UUID newChildId;
    @Column(name = "candidate_child_id", updatable = false)
    public UUID candidateChildId;
    /** The kinds of matching key that matched, comma-separated (never the keys). */
    @Column(name = "reason_keys", updatable = false)
    public String reasonKeys = "";
    @Column(updatable = false)
    public String origin;
    @Column(name = "proposed_by_agency", updatable = false)
    public String proposedByAgency;
    @Column(name = "proposed_by_subject", updatable = false)
    public String proposedBySubject;
    public String status;
    @Column(name = "new_confirmed_by")
    public String newConfirmedBy;
    @Column(name = "new_confirmed_at")
    public Instant newConfirmedAt;
    @Column(name = "new_confirmed_by_subject")
    public String newConfirmedBySubject;
    @Column(name = "candidate_confirmed_by")
    public String candidateConfirmedBy;
    @Column(name = "candidate_confirmed_by_subject")
    public String candidateConfirmedBySubject;
    @Column(name = "candidate_confirmed_at")
    public Instant candidateConfirmedAt;
    @Column(name = "refused_by")
    public String refusedBy;
    @Column(name = "closed_at")
    public Instant closedAt;
    @Column(name = "created_at", updatable = false)
    public Instant createdAt;

    /** The other side of {@code child}. */
    public UUID other(UUID child) {
        return child.equals(newChildId) ? candidateChildId : newChildId;
    }
}
