-- Legitimate relationships between agencies and children: the need-to-know facts every object
-- access is checked against. Derived from events (a referral sent or received, a placement hosted or
-- provided, an allocated case, the child's school), never asserted by the caller.
CREATE TABLE relationship (
    child_id     uuid        NOT NULL REFERENCES child (id),
    agency_id    text        NOT NULL,
    kind         text        NOT NULL,
    source_type  text        NOT NULL,
    source_id    uuid        NOT NULL,
    contact      text,
    since        timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    PRIMARY KEY (child_id, agency_id, kind, source_type, source_id)
);

CREATE INDEX relationship_agency ON relationship (agency_id, child_id) WHERE ended_at IS NULL;
