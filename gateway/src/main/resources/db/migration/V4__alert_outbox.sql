-- The transactional outbox: an alert row is written in the same transaction as the event that
-- causes it and that event's audit record, so no alert exists without its event and vice versa.
-- Dispatchers claim due rows with FOR UPDATE SKIP LOCKED (never "id greater than last seen").
CREATE TABLE alert (
    id                 uuid        PRIMARY KEY,
    created_at         timestamptz NOT NULL DEFAULT now(),
    recipient_agency   text        NOT NULL,
    event              text        NOT NULL,
    child_id           uuid        REFERENCES child (id),
    resource_type      text,
    resource_id        text,
    -- The minimum the recipient may see (already redacted for it) plus a link to fetch more.
    payload            jsonb       NOT NULL,
    categories         jsonb       NOT NULL DEFAULT '[]',
    duty_ref           text,
    ack_due_at         timestamptz,
    escalation_target  text,
    status             text        NOT NULL DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'DELIVERED', 'ACKNOWLEDGED', 'DEAD')),
    next_attempt_at    timestamptz NOT NULL DEFAULT now(),
    attempts           integer     NOT NULL DEFAULT 0,
    delivered_at       timestamptz,
    acknowledged_at    timestamptz,
    last_error         text
);

CREATE INDEX alert_due ON alert (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX alert_recipient ON alert (recipient_agency, created_at);
CREATE INDEX alert_child ON alert (child_id);
