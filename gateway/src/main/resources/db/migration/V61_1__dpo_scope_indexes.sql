-- DPO scope, served by indexes (docs/SECURITY.md, "DPO scope"). Version 61.1 so it sits with V61.

-- Dead letters a DPO sees: addressed to their agency, or raised by it. Two partial indexes, one per
-- half of the condition (the query is their UNION); only dead alerts are in them, so the alert
-- outbox's hot path writes no extra index entry until an alert dies. The raiser expression is
-- alert.DeadLetterResource.RAISED_BY, character for character, or the planner cannot use the index.
CREATE INDEX alert_dead_recipient ON alert (recipient_agency, dead_at DESC) WHERE status = 'DEAD';
CREATE INDEX alert_dead_raised_by ON alert
    ((coalesce(payload->>'raisedBy', payload->>'from', payload->>'decidedBy', payload->>'readerAgency')), dead_at DESC)
    WHERE status = 'DEAD';

-- The compliance dashboard counts duty notices sent to, or raised by, the DPO's agency.
CREATE INDEX alert_duty_raised_by ON alert
    ((coalesce(payload->>'raisedBy', payload->>'from', payload->>'decidedBy', payload->>'readerAgency')))
    WHERE duty_ref IS NOT NULL;

-- Override review: overrides asked for by the DPO's agency (the other half, overrides whose use
-- disclosed the agency's information, is found through audit_event_child).
CREATE INDEX consent_override_requester ON consent_override (requester_agency, requested_at DESC);
