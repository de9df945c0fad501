-- Risk as each agency sees it (docs/RISK.md). Each assessment now keeps its indicators and a review
-- date; which agency's assessment is current, and since when, is its own append-only log (risk_level),
-- because a downgrade takes effect later than it was recorded (a supervisor approves it, other agencies
-- agree to it), and an agency that agrees to a lower level adopts it as its own. The child's shared
-- level is the highest current level of any agency.
ALTER TABLE risk_assessment
    ADD COLUMN indicators jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN review_by  date;

CREATE TABLE risk_level (
    id             uuid        PRIMARY KEY,
    child_id       uuid        NOT NULL REFERENCES child (id),
    agency_id      text        NOT NULL,
    level          text        NOT NULL CHECK (level IN ('LOW', 'MEDIUM', 'HIGH')),
    assessment_id  uuid        NOT NULL REFERENCES risk_assessment (id),
    review_by      date,
    -- assessment: the agency's own assessment took effect; agreement: it agreed to another agency's
    -- lower level; migration: carried over from the single shared level kept before V64.
    via            text        NOT NULL CHECK (via IN ('assessment', 'agreement', 'migration')),
    effective_at   timestamptz NOT NULL
);
CREATE INDEX risk_level_current ON risk_level (child_id, agency_id, effective_at DESC);
CREATE INDEX risk_level_review ON risk_level (review_by);
CREATE TRIGGER risk_level_append_only BEFORE UPDATE OR DELETE ON risk_level
    FOR EACH ROW EXECUTE FUNCTION history_append_only();

-- Before V64 the newest assessment in effect was the child's one level, whoever recorded it; each
-- agency's newest assessment in effect becomes its current level (a downgrade by one agency no longer
-- hides another agency's higher level: that was the finding of issue 22).
INSERT INTO risk_level (id, child_id, agency_id, level, assessment_id, review_by, via, effective_at)
SELECT gen_random_uuid(), a.child_id, a.assessed_by_agency, a.level, a.id, NULL, 'migration',
       COALESCE(p.approved_at, a.recorded_at)
FROM risk_assessment a LEFT JOIN risk_approval p ON p.assessment_id = a.id
WHERE NOT a.downgrade OR p.assessment_id IS NOT NULL;

-- A proposal below another agency's current level: that agency is asked (told before the change, with
-- the duty's deadline and escalation) and its supervisor agrees or declines. Both append-only.
CREATE TABLE risk_agreement_request (
    assessment_id  uuid        NOT NULL REFERENCES risk_assessment (id),
    agency_id      text        NOT NULL,
    agency_level   text        NOT NULL,
    requested_at   timestamptz NOT NULL,
    PRIMARY KEY (assessment_id, agency_id)
);
CREATE TABLE risk_agreement (
    assessment_id      uuid        NOT NULL,
    agency_id          text        NOT NULL,
    agreed             boolean     NOT NULL,
    decided_by_subject text        NOT NULL,
    rationale          text        NOT NULL,
    decided_at         timestamptz NOT NULL,
    reasons            jsonb       NOT NULL DEFAULT '[]',
    PRIMARY KEY (assessment_id, agency_id),
    FOREIGN KEY (assessment_id, agency_id) REFERENCES risk_agreement_request (assessment_id, agency_id)
);
CREATE TRIGGER risk_agreement_request_append_only BEFORE UPDATE OR DELETE ON risk_agreement_request
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER risk_agreement_append_only BEFORE UPDATE OR DELETE ON risk_agreement
    FOR EACH ROW EXECUTE FUNCTION history_append_only();

-- The review-overdue duty is raised once per current level (RiskReviewClock).
CREATE TABLE risk_review_overdue (
    risk_level_id  uuid        PRIMARY KEY REFERENCES risk_level (id),
    raised_at      timestamptz NOT NULL
);
