package uk.safeguarding.gateway.strategy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** An agency invited to a strategy discussion, and whether it attended (null until recorded). */
@Entity
@Table(name = "strategy_invitee")
public class StrategyInvitee {

    @Id
    public UUID id;
    @Column(name = "discussion_id", updatable = false)
    public UUID discussionId;
    @Column(name = "agency_id", updatable = false)
    public String agencyId;
    public Boolean attended;
}
