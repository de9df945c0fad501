-- Tamper evidence for audit_event (see docs/AUDIT.md). Request transactions only INSERT: the event
-- and a row in audit_pending. A single sealer (advisory lock) later links pending events into
-- audit_chain in batches, and a checkpointer signs Merkle roots over chain ranges. No request ever
-- reads or updates a shared "last hash" row, which is what kept throughput at 0.22x before.

-- The queue of committed-but-not-yet-chained events. Rows live for a few hundred milliseconds.
-- No foreign key to audit_event: the check would take a KEY SHARE lock on the event row in every
-- request; the verifier reports a pending row without its event instead.
CREATE TABLE audit_pending (
    recorded_at  timestamptz NOT NULL,
    event_id     uuid        NOT NULL,
    PRIMARY KEY (recorded_at, event_id)
);
-- Inserted at one edge, deleted at the other all day long: vacuum it by row count, not by a
-- fraction of its (tiny) size, so the sealer's index scan never wades through dead entries (the
-- sealer also vacuums it itself, autovacuum visiting at most once a minute). Never truncate: that
-- needs an exclusive lock, and every request inserting into the queue would wait behind it.
ALTER TABLE audit_pending SET (autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0.0, autovacuum_vacuum_insert_threshold = 5000,
    vacuum_truncate = false);

-- One row per sealed event, in chain order (seq), not event-time order: an event whose request
-- committed late is sealed in a later batch. hash = SHA-256(prev_hash || canonical(event)).
-- Partitioned by seq ranges, which follow sealing time, so old ranges can be detached and archived
-- together with the audit_event partitions of the same months.
CREATE TABLE audit_chain (
    seq          bigint      NOT NULL CHECK (seq > 0),
    event_id     uuid        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    prev_hash    bytea       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash         bytea       NOT NULL CHECK (octet_length(hash) = 32),
    sealed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seq)
) PARTITION BY RANGE (seq);

CREATE TABLE audit_chain_default PARTITION OF audit_chain DEFAULT;

-- Joins chain rows to events (verification, "is this event sealed?", anomaly detection).
CREATE INDEX audit_chain_event ON audit_chain (recorded_at, event_id);

-- A signed statement that chain entries first_seq..last_seq have Merkle root `root` (RFC 6962
-- hashing) and that the chain's hash at last_seq is last_hash; the latter commits to every entry
-- before the range too. Ranges are contiguous from seq 1.
CREATE TABLE audit_checkpoint (
    last_seq     bigint      NOT NULL PRIMARY KEY,
    first_seq    bigint      NOT NULL CHECK (first_seq > 0),
    root         bytea       NOT NULL CHECK (octet_length(root) = 32),
    last_hash    bytea       NOT NULL CHECK (octet_length(last_hash) = 32),
    signed_at    timestamptz NOT NULL,
    key_id       text        NOT NULL,
    algorithm    text        NOT NULL DEFAULT 'Ed25519',
    signature    bytea       NOT NULL,
    CHECK (last_seq >= first_seq)
);

-- Same append-only rule as audit_event, for every role including the owner.
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain_default
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Events that existed before this migration are queued, so they are sealed like any other.
INSERT INTO audit_pending (recorded_at, event_id) SELECT recorded_at, id FROM audit_event;
