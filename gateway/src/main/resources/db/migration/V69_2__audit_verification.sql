-- How far the scheduled verifier has checked the chain (docs/AUDIT.md, "Incremental and full
-- verification"). One row. The incremental job continues from last_seq/last_hash instead of starting
-- at seq 1; each batch locks this row (FOR UPDATE SKIP LOCKED), so one replica works at a time and
-- none repeats another's work. A full pass (POST /api/v1/audit/verify, or daily) replaces the open
-- findings with its own; full_started_at is its partnership-wide rate limit. Not append-only: this
-- is bookkeeping, not evidence (the evidence is the chain, which a full pass re-reads from seq 1).
CREATE TABLE audit_verification (
    id                 smallint    PRIMARY KEY CHECK (id = 1),
    last_seq           bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash          bytea       NOT NULL CHECK (octet_length(last_hash) = 32),
    verified_at        timestamptz,
    -- The last checkpoint checked: the next run expects the next checkpoint to start right after it.
    checkpoint_seq     bigint      NOT NULL DEFAULT 0,
    -- Runs (incremental or full) that found problems, ever.
    failures           bigint      NOT NULL DEFAULT 0,
    -- Problems found since the last full pass (by it and by incremental runs after it), the first 100 listed.
    problem_count      bigint      NOT NULL DEFAULT 0,
    findings           jsonb       NOT NULL DEFAULT '[]',
    last_run_kind      text        CHECK (last_run_kind IN ('INCREMENTAL', 'FULL')),
    last_run_at        timestamptz,
    last_run_entries   bigint      NOT NULL DEFAULT 0,
    last_run_problems  bigint      NOT NULL DEFAULT 0,
    full_started_at    timestamptz,
    full_finished_at   timestamptz,
    full_passes        bigint      NOT NULL DEFAULT 0
);

INSERT INTO audit_verification (id, last_hash) VALUES (1, '\x0000000000000000000000000000000000000000000000000000000000000000');
