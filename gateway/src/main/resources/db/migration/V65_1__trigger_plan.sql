-- Trigger plans (issue 22 point 2): what is done when the child goes missing. Each agreed plan is a
-- new version, never updated in place (the history shows who changed what the police are given);
-- the newest version is the plan. review_escalated_at marks the version whose overdue review was
-- raised as a duty, so the clock raises it once.
CREATE TABLE trigger_plan (
    id                   uuid        PRIMARY KEY,
    child_id             uuid        NOT NULL REFERENCES child (id),
    recorded_at          timestamptz NOT NULL,
    recorded_by          text        NOT NULL,
    recorded_by_subject  text        NOT NULL,
    supersedes           uuid        REFERENCES trigger_plan (id),
    review_date          date        NOT NULL,
    review_due_at        timestamptz NOT NULL,
    plan                 jsonb       NOT NULL,
    language_flags       jsonb       NOT NULL DEFAULT '[]',
    review_escalated_at  timestamptz
);
CREATE INDEX trigger_plan_child ON trigger_plan (child_id, recorded_at DESC);
-- Two versions written at once on the same base: one wins, the other is told to read again.
CREATE UNIQUE INDEX trigger_plan_one_successor ON trigger_plan (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX trigger_plan_review_due ON trigger_plan (review_due_at) WHERE review_escalated_at IS NULL;
