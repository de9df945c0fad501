-- Identity matching, merge and unmerge (docs/IDENTITY.md). A merge is a link between two child rows,
-- resolved on every read; nothing about either child is rewritten, so ending the link (unmerge)
-- restores each side exactly.

-- Matching keys: keyed hashes (HMAC-SHA256 under gateway.identity.match-key) of normalised name, date
-- of birth and postcode parts, so raw names and dates of birth are not stored for matching. Used for
-- matching only; no route ever returns a row of this table.
CREATE TABLE child_match_key (
    child_id   uuid        NOT NULL REFERENCES child (id),
    kind       text        NOT NULL CHECK (kind IN ('family-dob', 'phonetic-dob-initial', 'dob-outward-initial')),
    key_hash   bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (child_id, kind, key_hash)
);
CREATE INDEX child_match_key_lookup ON child_match_key (kind, key_hash);

-- A proposal that two child rows are the same child: from intake's matching keys (reason_keys) or from
-- an agency (proposed_by_agency). Each side is confirmed by an agency with confirmed child-wide standing
-- on that side; refusal by either side closes it.
CREATE TABLE identity_match (
    id                   uuid        PRIMARY KEY,
    new_child_id         uuid        NOT NULL REFERENCES child (id),
    candidate_child_id   uuid        NOT NULL REFERENCES child (id),
    reason_keys          text        NOT NULL DEFAULT '',
    origin               text        NOT NULL CHECK (origin IN ('intake', 'proposed')),
    proposed_by_agency   text,
    proposed_by_subject  text,
    status               text        NOT NULL CHECK (status IN ('PROPOSED', 'MERGED', 'REFUSED', 'UNMERGED')),
    new_confirmed_by     text,
    new_confirmed_at     timestamptz,
    candidate_confirmed_by text,
    candidate_confirmed_at timestamptz,
    refused_by           text,
    closed_at            timestamptz,
    created_at           timestamptz NOT NULL,
    CHECK (new_child_id <> candidate_child_id)
);
CREATE INDEX identity_match_new ON identity_match (new_child_id);
CREATE INDEX identity_match_candidate ON identity_match (candidate_child_id);
-- One open proposal per unordered pair.
CREATE UNIQUE INDEX identity_match_open_pair ON identity_match
    (least(new_child_id, candidate_child_id), greatest(new_child_id, candidate_child_id)) WHERE status = 'PROPOSED';

-- The merge itself: append-style. A link is created when both sides confirmed and ended by unmerge; rows
-- are never deleted. A child is in at most one active link (merges are pairs of unlinked children).
CREATE TABLE child_link (
    id                uuid        PRIMARY KEY,
    match_id          uuid        NOT NULL REFERENCES identity_match (id),
    child_a           uuid        NOT NULL REFERENCES child (id),
    child_b           uuid        NOT NULL REFERENCES child (id),
    created_at        timestamptz NOT NULL,
    ended_at          timestamptz,
    ended_by_agency   text,
    ended_by_subject  text,
    CHECK (child_a < child_b)
);
CREATE UNIQUE INDEX child_link_active_a ON child_link (child_a) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX child_link_active_b ON child_link (child_b) WHERE ended_at IS NULL;
