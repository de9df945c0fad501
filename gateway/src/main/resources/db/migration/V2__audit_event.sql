-- One row per request, written through audit.AuditTrail only. Append-only: a trigger refuses
-- UPDATE, DELETE and TRUNCATE for every role, including the table owner; where the gateway runs
-- as a separate application role, grants add a second lock (see docs/SECURITY.md).
-- Partitioned by time so old months can be detached and archived without touching new writes.
CREATE TABLE audit_event (
    id                      uuid        NOT NULL,
    recorded_at             timestamptz NOT NULL,
    request_id              text        NOT NULL,
    actor_subject           text,
    actor_client            text,
    actor_kind              text,
    actor_agency            text,
    actor_roles             jsonb       NOT NULL DEFAULT '[]',
    purpose                 text,
    action                  text        NOT NULL,
    resource_type           text,
    resource_id             text,
    child_id                uuid,
    categories              jsonb       NOT NULL DEFAULT '[]',
    decision                text        NOT NULL CHECK (decision IN ('PERMIT', 'DENY', 'ERROR', 'NONE')),
    reasons                 jsonb       NOT NULL DEFAULT '[]',
    denial_code             text,
    lawful_basis            text,
    override_justification  text,
    override_approver       text,
    outcome                 integer     NOT NULL,
    source_address          text,
    PRIMARY KEY (recorded_at, id)
) PARTITION BY RANGE (recorded_at);

CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;

CREATE INDEX audit_event_child ON audit_event (child_id, recorded_at);
CREATE INDEX audit_event_agency ON audit_event (actor_agency, recorded_at);
CREATE INDEX audit_event_subject ON audit_event (actor_subject, recorded_at);
CREATE INDEX audit_event_request ON audit_event (request_id);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event_default
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
