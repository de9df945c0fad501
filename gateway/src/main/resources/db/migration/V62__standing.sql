-- Where need to know comes from (docs/SECURITY.md, "Where need to know comes from"). Every
-- relationship records the event that created it, the agency whose act created it, the protocol
-- clause that allowed it, and its standing:
--   confirmed  the protocol chose the agency (routing), or an agency already involved confirmed it,
--              or it was asserted about a child the gateway did not know (nothing existed before it);
--   asserted   an agency said so itself about a child other agencies already knew: it counts only
--              for records created at or after `since`, until confirmed;
--   refused    an involved agency refused the claim: it counts for nothing (and is ended).
ALTER TABLE relationship
    ADD COLUMN standing            text NOT NULL DEFAULT 'confirmed' CHECK (standing IN ('confirmed', 'asserted', 'refused')),
    ADD COLUMN event               text,
    ADD COLUMN asserted_by         text,
    ADD COLUMN asserted_by_subject text,
    ADD COLUMN rule                text,
    ADD COLUMN claim_id            uuid,
    ADD COLUMN decided_at          timestamptz,
    -- 'own-record': the relationship stands for the record that created it (source_type, source_id)
    -- and nothing else about the child (a referrer follows its own referral).
    ADD COLUMN scope               text NOT NULL DEFAULT 'child' CHECK (scope IN ('child', 'own-record'));

-- Existing rows: confirmed where a protocol-decided event created them, asserted otherwise.
UPDATE relationship r SET event = 'referral-received', rule = 'mash-referral@1.0.0#mash-routing', standing = 'confirmed'
    WHERE r.source_type = 'referral' AND r.kind IN ('referral-recipient', 'mash-partner');
UPDATE relationship r SET event = 'referral-received', rule = 'mash-referral@1.0.0#referrer-of-own-referral',
        standing = 'asserted', asserted_by = r.agency_id, scope = 'own-record'
    WHERE r.source_type = 'referral' AND r.kind = 'referrer';
-- A placement by the child's home council (a council a referral about the child was sent to), or the
-- placement that first brought the child to the gateway, was the protocol working as intended.
UPDATE relationship r SET event = 'placement-planned', asserted_by = p.placing_authority,
        rule = CASE WHEN r.kind = 'placing-authority' THEN 'out-of-area-placement@1.0.0#placing-authority-asserted'
                    ELSE 'out-of-area-placement@1.0.0#placement-named-agencies' END,
        standing = CASE WHEN EXISTS (SELECT 1 FROM referral f WHERE f.child_id = p.child_id AND f.home_council = p.placing_authority)
                          OR NOT EXISTS (SELECT 1 FROM placement q WHERE q.child_id = p.child_id AND q.created_at < p.created_at)
                             AND NOT EXISTS (SELECT 1 FROM referral f WHERE f.child_id = p.child_id AND f.created_at < p.created_at)
                        THEN 'confirmed' ELSE 'asserted' END
    FROM placement p WHERE r.source_type = 'placement' AND r.source_id = p.id;
UPDATE relationship r SET event = 'child-returning-home', asserted_by = e.raised_by_agency,
        rule = 'return-home@1.0.0#return-named-agencies',
        standing = CASE WHEN EXISTS (SELECT 1 FROM relationship pa WHERE pa.child_id = r.child_id
                            AND pa.agency_id = e.raised_by_agency AND pa.kind = 'placing-authority' AND pa.standing = 'confirmed')
                        THEN 'confirmed' ELSE 'asserted' END
    FROM case_event e WHERE r.source_type = 'return-home' AND r.source_id = e.id;
UPDATE relationship SET standing = 'asserted' WHERE rule IS NULL;

-- Looking up an agency's standing with a child reads these rows for one (agency, child).
CREATE INDEX relationship_child_agency ON relationship (child_id, agency_id);

-- A self-asserted relationship with a child other agencies already knew, waiting for one of them to
-- confirm or refuse it. `confirmers` were asked (the relationship-asserted duty, with its deadline and
-- escalation); any agency holding a confirmed relationship with the child may decide.
CREATE TABLE relationship_claim (
    id                   uuid        PRIMARY KEY,
    child_id             uuid        NOT NULL REFERENCES child (id),
    agency_id            text        NOT NULL,
    kind                 text        NOT NULL,
    event                text        NOT NULL,
    rule                 text        NOT NULL,
    source_type          text        NOT NULL,
    source_id            uuid        NOT NULL,
    asserted_by_subject  text,
    asserted_at          timestamptz NOT NULL,
    confirmers           text[]      NOT NULL,
    due_at               timestamptz NOT NULL,
    status               text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'CONFIRMED', 'REFUSED')),
    decided_at           timestamptz,
    decided_by_agency    text,
    decided_by_subject   text,
    reason               text,
    CHECK ((status = 'PENDING') = (decided_at IS NULL))
);
CREATE INDEX relationship_claim_confirmers ON relationship_claim USING gin (confirmers);
CREATE INDEX relationship_claim_child ON relationship_claim (child_id);

-- The emergency path (docs/SECURITY.md): a practitioner of an agency whose relationship is asserted
-- but not yet confirmed (or a police force whose missing episode nobody has confirmed) asks to act on
-- it now, with a justification; a supervisor of the same agency who is not the requester approves; it
-- lasts at most 24 hours and is flagged to the DPOs of the agencies already involved.
CREATE TABLE standing_override (
    id                 uuid        PRIMARY KEY,
    child_id           uuid        NOT NULL REFERENCES child (id),
    agency_id          text        NOT NULL,
    requester_subject  text        NOT NULL,
    scope              text        NOT NULL CHECK (scope IN ('relationship', 'missing')),
    justification      text        NOT NULL,
    status             text        NOT NULL CHECK (status IN ('PENDING_APPROVAL', 'ACTIVE')),
    requested_at       timestamptz NOT NULL,
    approver_subject   text,
    approved_at        timestamptz,
    expires_at         timestamptz,
    CHECK ((status = 'ACTIVE') = (expires_at IS NOT NULL))
);
CREATE INDEX standing_override_use ON standing_override (child_id, agency_id, requester_subject) WHERE status = 'ACTIVE';

-- A missing episode opened by the police releases the Philomena profile only once the provider or the
-- placing council confirms the child is missing (or through a standing override). Episodes reported
-- by the provider or the council are confirmed by their report.
-- recorded_at: when the gateway received the report (missing_since is the reporter's own time).
ALTER TABLE missing_episode
    ADD COLUMN confirmed_at timestamptz,
    ADD COLUMN confirmed_by text,
    ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
UPDATE missing_episode SET confirmed_at = missing_since, confirmed_by = reported_by, recorded_at = missing_since;

-- Consent provenance (docs/CONSENT.md): a record that would loosen another agency's refusal or
-- withdrawal waits for a supervisor of each agency whose record it loosens; a withdrawal says on whose
-- word it was made.
ALTER TABLE consent DROP CONSTRAINT consent_status_check;
ALTER TABLE consent ADD CONSTRAINT consent_status_check CHECK (status IN ('ACTIVE', 'WITHDRAWN', 'PENDING_APPROVAL'));
ALTER TABLE consent
    ADD COLUMN approval_required_from text[] NOT NULL DEFAULT '{}',
    ADD COLUMN approvals              jsonb  NOT NULL DEFAULT '[]',
    ADD COLUMN withdrawn_on_word_of   text CHECK (withdrawn_on_word_of IN ('child', 'parental-responsibility'));
