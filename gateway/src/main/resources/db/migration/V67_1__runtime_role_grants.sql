-- Two roles (docs/SECURITY.md, "Database roles"): migrations run as gateway_owner, which owns the schema
-- and every object in it; the serving gateway runs as gateway_app, which owns nothing and holds only the
-- privileges below. Not being the owner, gateway_app can neither ALTER nor DROP a table, nor DISABLE or
-- DROP the append-only triggers, nor TRUNCATE: the audit tables stay append-only against the gateway's own
-- credentials. The list is docs/SECURITY.md's per-table table, which RuntimeRolePrivilegesTest compares
-- with the catalogs. Only privileges PostgreSQL 15 knows are used (no MAINTAIN).
-- The roles are cluster-wide and need CREATEROLE to make, which gateway_owner does not hold: the database
-- set-up creates them (EmbeddedDatabase, CloudNativePG managed roles, docs/OPERATIONS.md by hand).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gateway_app') THEN
        RAISE EXCEPTION 'role gateway_app does not exist: create it before migrating (docs/OPERATIONS.md, "Database roles")';
    END IF;
    IF current_user = 'gateway_app' THEN
        RAISE EXCEPTION 'migrations must run as the owner role, not as gateway_app (quarkus.flyway.username)';
    END IF;
    -- Nobody but the owner creates objects or temporary tables here (PostgreSQL 15 already revokes
    -- CREATE on public from PUBLIC; a database created on an older version may still grant it).
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO gateway_app', current_database());
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO gateway_app;

-- No table, sequence or function a later migration creates is reachable by default: each needs its own
-- GRANT here-after and a line in docs/SECURITY.md, or RuntimeRolePrivilegesTest fails.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
-- The trigger functions are never called by the gateway; a trigger fires whatever the caller's EXECUTE.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gateway_app;

-- Readiness reads the applied version (health/DatabaseSchemaReadiness).
GRANT SELECT ON flyway_schema_history TO gateway_app;

-- Audit trail: append and read only. The partitions (audit_*_default) get nothing: all access is
-- through the partitioned parent.
GRANT SELECT, INSERT ON audit_event, audit_chain, audit_checkpoint TO gateway_app;
-- The sealer's queue: AuditTrail inserts, AuditSealer claims (FOR UPDATE SKIP LOCKED needs an UPDATE
-- privilege on some column, so one column: the sealer never updates) and deletes what it sealed.
GRANT SELECT, INSERT, DELETE ON audit_pending TO gateway_app;
GRANT UPDATE (recorded_at) ON audit_pending TO gateway_app;
-- Anomalies: detected (insert, or add to the counts of the same finding) and resolved by a DPO.
GRANT SELECT, INSERT ON audit_anomaly TO gateway_app;
GRANT UPDATE (event_count, agencies, last_event_at, status, resolved_at, resolved_by, resolution_note)
    ON audit_anomaly TO gateway_app;
GRANT SELECT ON audit_anomaly_cursor TO gateway_app;
GRANT UPDATE (last_seq) ON audit_anomaly_cursor TO gateway_app;

-- Append-only records (history_append_only triggers or simply never changed by the code).
GRANT SELECT, INSERT ON case_event, challenge_step, child, child_identifier, philomena_profile,
    protocol_membership_version, referral, referral_attachment, return_interview, risk_agreement,
    risk_agreement_request, risk_approval, risk_review_overdue, signatory_protocol TO gateway_app;
-- Append-only too, but locked FOR UPDATE (RiskReviewClock, RiskProposals): one column's UPDATE
-- privilege makes the lock legal; the append-only trigger refuses any actual UPDATE.
GRANT SELECT, INSERT ON risk_assessment, risk_level TO gateway_app;
GRANT UPDATE (id) ON risk_assessment, risk_level TO gateway_app;

-- Working state the code changes in place: only the columns its UPDATEs set (status, timestamps,
-- attempts), so the runtime role cannot move a row to another child or agency. A column-level UPDATE
-- also makes the FOR UPDATE row locks legal.
GRANT SELECT, INSERT ON alert, challenge, consent, consent_override, missing_episode, placement,
    referral_recipient, relationship, relationship_claim, signatory, standing_override, trigger_plan TO gateway_app;
GRANT UPDATE (acknowledged_at, attempts, dead_at, delivered_at, escalated_at, last_error, next_attempt_at,
    status, window_start) ON alert TO gateway_app;
GRANT UPDATE (due_at, level, outcome, resolved_at, status) ON challenge TO gateway_app;
GRANT UPDATE (approval_required_from, approvals, status, withdrawal_reason, withdrawn_at, withdrawn_by_agency,
    withdrawn_by_subject, withdrawn_on_word_of) ON consent TO gateway_app;
GRANT UPDATE (approved_at, approver_agency, approver_roles, approver_subject, dpo_note, dpo_reviewed_at,
    dpo_reviewed_by, expires_at, status) ON consent_override TO gateway_app;
GRANT UPDATE (confirmed_at, confirmed_by, found_at, found_reported_by, rhi_completed_at, rhi_declined_at,
    rhi_due_at, rhi_escalated_at, rhi_offered_at, rhi_recorded_by, rhi_service) ON missing_episode TO
    gateway_app;
GRANT UPDATE (status, updated_at) ON placement TO gateway_app;
GRANT UPDATE (acknowledged_at, decided_at, response_reason, status) ON referral_recipient TO gateway_app;
GRANT UPDATE (decided_at, ended_at, holder_subject, standing) ON relationship TO gateway_app;
GRANT UPDATE (decided_at, decided_by_agency, decided_by_subject, reason, status) ON relationship_claim TO
    gateway_app;
GRANT UPDATE (status, status_reason, updated_at) ON signatory TO gateway_app;
GRANT UPDATE (approved_at, approver_subject, expires_at, status) ON standing_override TO gateway_app;
GRANT UPDATE (review_escalated_at) ON trigger_plan TO gateway_app;
-- Subscriptions are deleted by their agency (SubscriptionResource) and paused on revocation.
GRANT SELECT, INSERT, DELETE ON alert_subscription TO gateway_app;
GRANT UPDATE (paused_at, secrets, updated_at) ON alert_subscription TO gateway_app;
-- A revocation is lifted by deleting it, and re-revoking updates it in place (SignatoryStore).
GRANT SELECT, INSERT, DELETE ON signatory_revocation TO gateway_app;
GRANT UPDATE (status, revoked_at, revoked_by, reason) ON signatory_revocation TO gateway_app;
