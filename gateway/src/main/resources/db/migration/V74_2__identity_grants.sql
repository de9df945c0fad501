-- The runtime role on the identity tables (docs/SECURITY.md, "Database roles"): matching keys are
-- insert-only; a proposal changes only its confirmations and status; a link is only ever ended.
GRANT SELECT, INSERT ON child_match_key, identity_match, child_link TO gateway_app;
GRANT UPDATE (status, new_confirmed_by, new_confirmed_at, candidate_confirmed_by, candidate_confirmed_at,
    refused_by, closed_at) ON identity_match TO gateway_app;
GRANT UPDATE (ended_at, ended_by_agency, ended_by_subject) ON child_link TO gateway_app;
