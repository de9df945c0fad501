-- Grants for what issue 23's other migrations added after V67_1 (V69_1, V69_2, V70_1, V71_1), listed
-- in docs/SECURITY.md, "Database roles" (RuntimeRolePrivilegesTest compares the two).

-- The strings-only CHECKs on audit_event call it on every insert: the inserting role needs EXECUTE.
GRANT EXECUTE ON FUNCTION audit_strings_only(jsonb) TO gateway_app;

-- The verifier's bookkeeping row (VerificationStore): read, locked and updated in place; never inserted
-- (the migration seeds it) nor deleted. Bookkeeping, not evidence: a full pass re-reads the chain.
GRANT SELECT ON audit_verification TO gateway_app;
GRANT UPDATE (checkpoint_seq, failures, findings, full_finished_at, full_passes, full_started_at, last_hash,
    last_run_at, last_run_entries, last_run_kind, last_run_problems, last_seq, problem_count, verified_at)
    ON audit_verification TO gateway_app;

-- StoredSecrets encrypts what an older version stored in plaintext, in the secrets and oauth columns.
GRANT UPDATE (oauth) ON alert_subscription TO gateway_app;
