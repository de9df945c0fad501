-- The dispatcher claims due alerts agency by agency, only for agencies with an active subscription
-- (Dispatcher.CLAIM). Alerts for an agency without one stay PENDING (its inbox and escalation still
-- see them, and they go out once it subscribes) but no claim reads them any more: through the old
-- index on next_attempt_at alone, every claim walked all of them, and one claim runs after every
-- committed write (measured: ~10 ms of PostgreSQL CPU per referral in bench/run referral-intake).
CREATE INDEX alert_due_by_agency ON alert (recipient_agency, next_attempt_at) WHERE status = 'PENDING';
-- Nothing else reads pending alerts by next_attempt_at; one index fewer to write per alert.
DROP INDEX alert_due;
