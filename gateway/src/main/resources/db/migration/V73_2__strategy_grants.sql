-- The runtime role on the strategy discussion tables (docs/SECURITY.md, "Database roles"): created once,
-- then only the decision, attendance and action status change; the entities mark every other column
-- updatable = false, so Hibernate's UPDATEs never name them.
GRANT SELECT, INSERT ON strategy_discussion, strategy_invitee, strategy_action TO gateway_app;
GRANT UPDATE (decided_at, decision, next_review_on) ON strategy_discussion TO gateway_app;
GRANT UPDATE (attended) ON strategy_invitee TO gateway_app;
GRANT UPDATE (overdue_at, status, updated_at) ON strategy_action TO gateway_app;
