package uk.safeguarding.gateway.strategy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** An action agreed at a strategy discussion: one owner agency, a due date, a status. */
@Entity
@Table(name = "strategy_action")
public class StrategyAction {

    public static final String OPEN = "OPEN";

    @Id
    public UUID id;
    @Column(name = "discussion_id", updatable = false)
    public UUID discussionId;
    @Column(name = "child_id", updatable = false)
    public UUID childId;
    @Column(name = "owner_agency", updatable = false)
    public String ownerAgency;
    @Column(updatable = false)
    public String description;
    @Column(name = "due_on", updatable = false)
    public LocalDate dueOn;
    public String status;
    @Column(name = "created_at", updatable = false)
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** When the overdue duty was raised (StrategyActionClock); null while not overdue. */
    @Column(name = "overdue_at")
    public Instant overdueAt;
}
