-- Supporting records sent with a referral (FHIR Flag, DocumentReference, ...), one row each, written
-- in the referral's transaction. Each belongs to one data category: a reader sees it only when its
-- own decision releases that category. No check on resource_type: the intake code decides which
-- types it accepts, so a new one (Consent) is a code change, not a migration.
CREATE TABLE referral_attachment (
    referral_id    uuid    NOT NULL REFERENCES referral (id),
    position       integer NOT NULL,
    resource_type  text    NOT NULL,
    category       text    NOT NULL,
    resource       jsonb   NOT NULL,
    PRIMARY KEY (referral_id, position)
);
