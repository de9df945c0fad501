-- Alert delivery: webhook subscriptions per agency, and the columns the dispatcher and the
-- escalation job need. Claims use FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moved forward),
-- so several gateway replicas can dispatch from one table and a crashed one's claims are retried.
CREATE TABLE alert_subscription (
    id          uuid        PRIMARY KEY,
    agency_id   text        NOT NULL UNIQUE,
    url         text        NOT NULL,
    -- whsec_-prefixed base64 secrets, newest last; two are live during a rotation. Never returned after creation.
    secrets     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE alert
    ADD COLUMN escalated_at timestamptz,
    ADD COLUMN dead_at timestamptz,
    -- The retry window starts here (created_at, or when an administrator requeued a dead letter).
    ADD COLUMN window_start timestamptz;

CREATE INDEX alert_ack_due ON alert (ack_due_at)
    WHERE escalated_at IS NULL AND status IN ('PENDING', 'DELIVERED') AND ack_due_at IS NOT NULL;
CREATE INDEX alert_dead ON alert (dead_at) WHERE status = 'DEAD';
