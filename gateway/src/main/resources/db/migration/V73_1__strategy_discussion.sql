-- Strategy discussions (Working Together 2023): convened by the council's children's social care about
-- one child, with other agencies invited; attendance, the information shared (as category references,
-- never free text about the child beyond a short checked summary), the decision, and the actions agreed,
-- each owned by one agency with a due date. Mapped as Hibernate Reactive Panache entities (strategy/):
-- the schema is Flyway's, Hibernate validates nothing (schema management none).
CREATE TABLE strategy_discussion (
    id                  uuid        PRIMARY KEY,
    child_id            uuid        NOT NULL REFERENCES child (id),
    convener_agency     text        NOT NULL,
    convened_by_subject text        NOT NULL,
    held_at             timestamptz NOT NULL,
    summary             text        NOT NULL,
    -- Comma-separated category codes (the protocol vocabulary's), validated by the resource.
    information_shared  text        NOT NULL DEFAULT '',
    decision            text        CHECK (decision IN ('NO_FURTHER_ACTION', 'EARLY_HELP', 'S17', 'S47',
                                                        'CHILD_PROTECTION_CONFERENCE')),
    decided_at          timestamptz,
    next_review_on      date,
    exploitation        boolean     NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL
);
CREATE INDEX strategy_discussion_child ON strategy_discussion (child_id, held_at);

-- An invitation is not a relationship with the child: it gives the invited agency the discussion and
-- nothing else (docs/STRATEGY.md). attended stays null until the convener records attendance.
CREATE TABLE strategy_invitee (
    id            uuid    PRIMARY KEY,
    discussion_id uuid    NOT NULL REFERENCES strategy_discussion (id),
    agency_id     text    NOT NULL,
    attended      boolean,
    UNIQUE (discussion_id, agency_id)
);
CREATE INDEX strategy_invitee_agency ON strategy_invitee (agency_id);

CREATE TABLE strategy_action (
    id            uuid        PRIMARY KEY,
    discussion_id uuid        NOT NULL REFERENCES strategy_discussion (id),
    child_id      uuid        NOT NULL REFERENCES child (id),
    owner_agency  text        NOT NULL,
    description   text        NOT NULL,
    due_on        date        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('OPEN', 'DONE', 'CANCELLED')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    -- Set once by StrategyActionClock when the action passed its due date still open: the duty raised.
    overdue_at    timestamptz
);
CREATE INDEX strategy_action_owner ON strategy_action (owner_agency, status, due_on);
CREATE INDEX strategy_action_due ON strategy_action (due_on) WHERE status = 'OPEN' AND overdue_at IS NULL;
