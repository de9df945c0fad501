package uk.safeguarding.gateway.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A merge: two child rows read as one while the link is active ({@code endedAt} null). Append-style:
 * an unmerge ends the row, never deletes it; {@code childA < childB}.
 */
@Entity
@Table(name = "child_link")
public class ChildLink {

    @Id
    public UUID id;
    @Column(name = "match_id", updatable = false)
    public UUID matchId;
    @Column(name = "child_a", updatable = false)
    public UUID childA;
    @Column(name = "child_b", updatable = false)
    public UUID childB;
    @Column(name = "created_at", updatable = false)
    public Instant createdAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "ended_by_agency")
    public String endedByAgency;
    @Column(name = "ended_by_subject")
    public String endedBySubject;
}
