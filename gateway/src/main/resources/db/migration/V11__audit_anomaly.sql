-- Anomaly flags for the DPO's review queue, raised by the anomaly detector from sealed audit
-- events (see docs/AUDIT.md). A flag is not evidence: the evidence is the audit trail it points
-- at. Flags change state (open -> resolved), so this table is not append-only; every review and
-- resolution is itself written to the audit trail in the same transaction.
CREATE TABLE audit_anomaly (
    id               uuid        PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind IN ('NO_RELATIONSHIP', 'BULK_READS', 'OUT_OF_HOURS',
                                                         'OVERRIDE', 'REPEATED_DENIALS')),
    -- One flag per kind and subject and window: re-detection updates the counts, not a new row.
    dedupe_key       text        NOT NULL UNIQUE,
    detected_at      timestamptz NOT NULL DEFAULT now(),
    actor_agency     text,
    actor_subject    text,
    child_id         uuid,
    window_start     timestamptz NOT NULL,
    window_end       timestamptz NOT NULL,
    event_count      integer     NOT NULL,
    first_event_id   uuid        NOT NULL,
    last_event_at    timestamptz NOT NULL,
    summary          text        NOT NULL,
    status           text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED')),
    resolved_at      timestamptz,
    resolved_by      text,
    resolution_note  text,
    CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL))
);

CREATE INDEX audit_anomaly_queue ON audit_anomaly (status, detected_at DESC, id);

-- How far through the chain the detector has read. The chain is a gap-free order in which
-- entries become visible strictly in seq order (one sealer at a time), so "seq greater than the
-- last seen" cannot skip a late-committing event here, unlike on audit_event itself.
CREATE TABLE audit_anomaly_cursor (
    id        integer PRIMARY KEY CHECK (id = 1),
    last_seq  bigint  NOT NULL
);
INSERT INTO audit_anomaly_cursor (id, last_seq) VALUES (1, 0);
