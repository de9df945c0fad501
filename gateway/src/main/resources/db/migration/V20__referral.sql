-- Referrals: a concern about a child sent by one signatory agency, routed by the protocol engine's
-- duties to the home council's MASH and its partners. The referral row, its recipients (the inbox),
-- the relationships it creates, its audit record and its outbox alerts are written in ONE transaction.
CREATE TABLE referral (
    id                 uuid        PRIMARY KEY,
    created_at         timestamptz NOT NULL DEFAULT now(),
    child_id           uuid        NOT NULL REFERENCES child (id),
    requester_agency   text        NOT NULL,
    requester_subject  text,
    home_council       text        NOT NULL,
    risk_level         text        NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
    -- The canonical referral as received (see referral.Referral); read only through a fresh decision.
    body               jsonb       NOT NULL,
    -- Victim-blaming phrases found in the free text: flagged back to the author, never rewritten.
    language_flags     jsonb       NOT NULL DEFAULT '[]',
    source_format      text        NOT NULL CHECK (source_format IN ('json', 'fhir')),
    idempotency_key    text,
    body_hash          text        NOT NULL
);

CREATE UNIQUE INDEX referral_idempotency ON referral (requester_agency, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX referral_child ON referral (child_id, created_at);

-- One row per recipient agency: its inbox entry, the categories the engine let it see at routing
-- time, the acknowledgement deadline from the duty, and its response (seen by the sender).
CREATE TABLE referral_recipient (
    referral_id      uuid        NOT NULL REFERENCES referral (id),
    agency_id        text        NOT NULL CHECK (agency_id ~ '^[a-z]+:[A-Za-z0-9]+$'),
    case_role        text        NOT NULL,
    relationship     text        NOT NULL,
    duty_ref         text        NOT NULL,
    categories       jsonb       NOT NULL DEFAULT '[]',
    status           text        NOT NULL DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'ACKNOWLEDGED', 'ACCEPTED', 'DECLINED')),
    ack_due_at       timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    decided_at       timestamptz,
    response_reason  text,  -- the recipient's note with its response; required for a decline
    alert_id         uuid,
    PRIMARY KEY (referral_id, agency_id)
);

CREATE INDEX referral_recipient_inbox ON referral_recipient (agency_id, status, ack_due_at);
