-- Professional disagreement (docs/RISK.md): an agency's formal challenge of another agency's decision
-- about a child. The challenge row holds where it stands (level, status, the level's deadline); every
-- step that moved it is its own append-only row, and each is audited.
CREATE TABLE challenge (
    id                 uuid        PRIMARY KEY,
    child_id           uuid        NOT NULL REFERENCES child (id),
    decision_type      text        NOT NULL CHECK (decision_type IN ('risk-assessment', 'referral-decline')),
    decision_id        uuid        NOT NULL,
    challenged_agency  text        NOT NULL,
    challenging_agency text        NOT NULL CHECK (challenging_agency <> challenged_agency),
    raised_by_subject  text        NOT NULL,
    grounds            text        NOT NULL,
    level              text        NOT NULL CHECK (level IN ('practitioner', 'manager', 'head-of-service', 'partnership')),
    status             text        NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
    due_at             timestamptz,
    created_at         timestamptz NOT NULL,
    resolved_at        timestamptz,
    outcome            text
);
CREATE INDEX challenge_child ON challenge (child_id, created_at);
CREATE INDEX challenge_due ON challenge (due_at) WHERE status = 'OPEN';

CREATE TABLE challenge_step (
    id            uuid        PRIMARY KEY,
    challenge_id  uuid        NOT NULL REFERENCES challenge (id),
    step          text        NOT NULL CHECK (step IN ('raised', 'responded', 'escalated', 'resolved')),
    level         text        NOT NULL,
    by_agency     text        NOT NULL,
    by_subject    text        NOT NULL,
    text          text,
    at            timestamptz NOT NULL,
    due_at        timestamptz
);
CREATE INDEX challenge_step_challenge ON challenge_step (challenge_id, at);
CREATE TRIGGER challenge_step_append_only BEFORE UPDATE OR DELETE ON challenge_step
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
