package uk.safeguarding.gateway.strategy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A strategy discussion about one child, convened by the council (Working Together 2023). Mapped with
 * Hibernate Reactive (docs/ARCHITECTURE.md, which client for which path); plain columns, no
 * associations, so nothing is ever lazily fetched off the session's Vert.x context.
 */
@Entity
@Table(name = "strategy_discussion")
public class StrategyDiscussion {

    @Id
    public UUID id;
    @Column(name = "child_id", updatable = false)
    public UUID childId;
    @Column(name = "convener_agency", updatable = false)
    public String convenerAgency;
    @Column(name = "convened_by_subject", updatable = false)
    public String convenedBySubject;
    @Column(name = "held_at", updatable = false)
    public Instant heldAt;
    @Column(updatable = false)
    public String summary;
    /** Category codes, comma-separated: references to what was shared, never the information itself. */
    @Column(name = "information_shared", updatable = false)
    public String informationShared = "";
    public String decision;
    @Column(name = "decided_at")
    public Instant decidedAt;
    @Column(name = "next_review_on")
    public LocalDate nextReviewOn;
    @Column(updatable = false)
    public boolean exploitation;
    @Column(name = "created_at", updatable = false)
    public Instant createdAt;

    public List<String> shared() {
        return informationShared == null || informationShared.isEmpty() ? List.of()
                : Arrays.asList(informationShared.split(","));
    }
}
