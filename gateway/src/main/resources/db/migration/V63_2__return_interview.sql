-- Return home interviews as a record: offered, declined or completed, with what the child said as
-- categorised findings (push factors, pull factors, disclosures, risks), released as the protocol says
-- (category rhi-findings: the home council; the police only for an investigation with consent or an
-- approved override). The 72-hour duty is to offer: an offer (or a refusal) stops the overdue clock.
ALTER TABLE missing_episode
    ADD COLUMN rhi_offered_at  timestamptz,
    ADD COLUMN rhi_declined_at timestamptz;

CREATE TABLE return_interview (
    id                   uuid        PRIMARY KEY,
    episode_id           uuid        NOT NULL REFERENCES missing_episode (id),
    child_id             uuid        NOT NULL REFERENCES child (id),
    outcome              text        NOT NULL CHECK (outcome IN ('OFFERED', 'DECLINED', 'COMPLETED')),
    at                   timestamptz NOT NULL,
    recorded_by          text        NOT NULL,
    recorded_by_subject  text        NOT NULL,
    recorded_at          timestamptz NOT NULL DEFAULT now(),
    findings             jsonb
);
CREATE INDEX return_interview_episode ON return_interview (episode_id, at);
-- One completed interview per episode.
CREATE UNIQUE INDEX return_interview_completed ON return_interview (episode_id) WHERE outcome = 'COMPLETED';
