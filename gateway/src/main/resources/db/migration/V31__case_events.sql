-- Case events (placements, missing episodes, returns, risk changes). Every event is one row in
-- case_event, its details grouped by data category so each reader and each alert recipient gets
-- exactly the categories the policy releases to it. Events are never updated or deleted.
CREATE TABLE case_event (
    id                 uuid        PRIMARY KEY,
    child_id           uuid        NOT NULL REFERENCES child (id),
    type               text        NOT NULL,
    occurred_at        timestamptz NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    raised_by_agency   text        NOT NULL,
    raised_by_subject  text,
    purpose            text        NOT NULL,
    -- {"identity": {...}, "placement": {...}, "risk": {...}, "missing": {...}}
    details            jsonb       NOT NULL
);
CREATE INDEX case_event_child ON case_event (child_id, occurred_at);

-- The case roles of a placement: who is the host council, police, health body, school, provider.
CREATE TABLE placement (
    id                   uuid        PRIMARY KEY,
    child_id             uuid        NOT NULL REFERENCES child (id),
    placing_authority    text        NOT NULL,
    provider             text        NOT NULL,
    host_council         text        NOT NULL,
    host_police          text        NOT NULL,
    host_health          text,
    home_police          text,
    home_health          text,
    gp                   text,
    school               text,
    rhi_service          text,
    -- The identity details the placing authority gave (category identity), shown to recipients allowed it.
    identity             jsonb       NOT NULL DEFAULT '{}',
    start_date           date        NOT NULL,
    emergency            boolean     NOT NULL DEFAULT false,
    status               text        NOT NULL CHECK (status IN ('PLANNED', 'STARTED', 'ENDED', 'MOVED')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX placement_child ON placement (child_id, created_at);

CREATE TABLE missing_episode (
    id                 uuid        PRIMARY KEY,
    child_id           uuid        NOT NULL REFERENCES child (id),
    placement_id       uuid        REFERENCES placement (id),
    reported_by        text        NOT NULL,
    missing_since      timestamptz NOT NULL,
    found_at           timestamptz,
    found_reported_by  text,
    rhi_due_at         timestamptz,
    rhi_completed_at   timestamptz,
    rhi_recorded_by    text,
    rhi_escalated_at   timestamptz
);
-- At most one open episode per child: "missing" is a state the engine is told about.
CREATE UNIQUE INDEX missing_episode_open ON missing_episode (child_id) WHERE found_at IS NULL;
CREATE INDEX missing_episode_rhi_due ON missing_episode (rhi_due_at)
    WHERE rhi_completed_at IS NULL AND rhi_escalated_at IS NULL AND rhi_due_at IS NOT NULL;

-- Philomena profiles: each save is a new version; the newest is the profile.
CREATE TABLE philomena_profile (
    id           uuid        PRIMARY KEY,
    child_id     uuid        NOT NULL REFERENCES child (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    recorded_by  text        NOT NULL,
    profile      jsonb       NOT NULL
);
CREATE INDEX philomena_profile_child ON philomena_profile (child_id, recorded_at);

-- Risk assessments are history: never updated, never deleted. A downgrade takes effect only once
-- a second person (a supervisor of the same agency) has approved it (risk_approval).
CREATE TABLE risk_assessment (
    id                uuid        PRIMARY KEY,
    child_id          uuid        NOT NULL REFERENCES child (id),
    level             text        NOT NULL CHECK (level IN ('LOW', 'MEDIUM', 'HIGH')),
    previous_level    text,
    downgrade         boolean     NOT NULL,
    rationale         text,
    assessed_by_agency  text      NOT NULL,
    assessed_by_subject text      NOT NULL,
    assessed_by_roles jsonb       NOT NULL DEFAULT '[]',
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_assessment_child ON risk_assessment (child_id, recorded_at);

CREATE TABLE risk_approval (
    assessment_id     uuid        PRIMARY KEY REFERENCES risk_assessment (id),
    approver_subject  text        NOT NULL,
    approver_agency   text        NOT NULL,
    approved_at       timestamptz NOT NULL DEFAULT now(),
    reasons           jsonb       NOT NULL DEFAULT '[]'
);

CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER risk_assessment_append_only BEFORE UPDATE OR DELETE ON risk_assessment
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER risk_approval_append_only BEFORE UPDATE OR DELETE ON risk_approval
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
