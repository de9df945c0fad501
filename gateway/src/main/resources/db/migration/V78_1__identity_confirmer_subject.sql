-- Who confirmed each side of an identity match, as a person: when one agency is the only one holding both
-- children, the second side needs a different person (a supervisor or DPO) of that agency (docs/IDENTITY.md).
ALTER TABLE identity_match ADD COLUMN new_confirmed_by_subject text;
ALTER TABLE identity_match ADD COLUMN candidate_confirmed_by_subject text;
GRANT UPDATE (new_confirmed_by_subject, candidate_confirmed_by_subject) ON identity_match TO gateway_app;
