-- Consent to sharing, as recorded by an agency involved with the child: who consented and on what
-- basis (the child if Gillick competent, or a person with parental responsibility), provisions that
-- permit or deny by data category, recipient agency type and purpose, and the period. A withdrawal
-- is recorded on the row (never a delete): it stops future sharing, and what was already shared
-- under the consent is found in the audit trail between recorded_at and withdrawn_at.
CREATE TABLE consent (
    id                  uuid        PRIMARY KEY,
    child_id            uuid        NOT NULL REFERENCES child (id),
    identifier_system   text        NOT NULL,
    identifier_value    text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('ACTIVE', 'WITHDRAWN')),
    grantor             text        NOT NULL CHECK (grantor IN ('child', 'parental-responsibility')),
    grantor_basis       text        NOT NULL,
    grantor_description text,
    provisions          jsonb       NOT NULL,
    period_start        timestamptz NOT NULL,
    period_end          timestamptz,
    recorded_by_agency  text        NOT NULL,
    recorded_by_subject text        NOT NULL,
    recorded_at         timestamptz NOT NULL,
    withdrawn_at        timestamptz,
    withdrawn_by_agency text,
    withdrawn_by_subject text,
    withdrawal_reason   text,
    CHECK ((status = 'WITHDRAWN') = (withdrawn_at IS NOT NULL))
);

CREATE INDEX consent_child ON consent (child_id, recorded_at DESC);

-- "Share without consent" / "share despite refusal": the requester's justification and lawful basis,
-- for named categories and one purpose; an explicit refusal or withdrawal also needs the approval of
-- a supervisor of the same agency who is not the requester. Only the requester may use it, only
-- while ACTIVE and before expires_at. Every override is on the DPO's review list until reviewed.
CREATE TABLE consent_override (
    id                  uuid        PRIMARY KEY,
    child_id            uuid        NOT NULL REFERENCES child (id),
    requester_agency    text        NOT NULL,
    requester_subject   text        NOT NULL,
    requester_roles     jsonb       NOT NULL,
    purpose             text        NOT NULL,
    categories          jsonb       NOT NULL,
    consent_states      jsonb       NOT NULL,
    justification       text        NOT NULL,
    lawful_basis        text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('PENDING_APPROVAL', 'ACTIVE')),
    requested_at        timestamptz NOT NULL,
    approver_agency     text,
    approver_subject    text,
    approver_roles      jsonb,
    approved_at         timestamptz,
    expires_at          timestamptz,
    dpo_reviewed_at     timestamptz,
    dpo_reviewed_by     text,
    dpo_note            text,
    CHECK ((status = 'ACTIVE') = (expires_at IS NOT NULL))
);

CREATE INDEX consent_override_use ON consent_override (child_id, requester_agency, requester_subject, purpose)
    WHERE status = 'ACTIVE';
CREATE INDEX consent_override_review ON consent_override (requested_at) WHERE dpo_reviewed_at IS NULL;
