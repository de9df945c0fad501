-- Written by ChronologyTest from ChronologyResource#sql(): the statement one page of the chronology
-- runs ($1 the child and its merged child as uuid[], $2 from, $3 to, $4 kinds, $5-$7 cursor,
-- $8 batch size). Do not edit.
SELECT at, kind, entry_key, record_id, owner, agency, other_agency, code, facts FROM (
    (SELECT o.requested_at AS at, 'standing-override'::text AS kind, o.id::text || ' REQUESTED' AS entry_key,
    o.id AS record_id, o.agency_id AS owner, o.agency_id AS agency, NULL::text AS other_agency,
    'REQUESTED'::text AS code, jsonb_build_object('scope', o.scope) AS facts
FROM standing_override o WHERE o.child_id = ANY($1::uuid[])
UNION ALL
SELECT o.approved_at, 'standing-override', o.id::text || ' APPROVED', o.id, o.agency_id, o.agency_id, NULL,
    'APPROVED', jsonb_build_object('scope', o.scope)
FROM standing_override o WHERE o.child_id = ANY($1::uuid[]) AND o.approved_at IS NOT NULL)
    UNION ALL
    (SELECT c.recorded_at AS at, 'consent'::text AS kind, c.id::text || ' RECORDED' AS entry_key, c.id AS record_id,
    c.recorded_by_agency AS owner, c.recorded_by_agency AS agency, NULL::text AS other_agency,
    'RECORDED'::text AS code, jsonb_build_object('recordedAt', c.recorded_at, 'grantor', c.grantor) AS facts
FROM consent c WHERE c.child_id = ANY($1::uuid[])
UNION ALL
SELECT c.withdrawn_at, 'consent', c.id::text || ' WITHDRAWN', c.id, c.recorded_by_agency,
    coalesce(c.withdrawn_by_agency, c.recorded_by_agency), NULL, 'WITHDRAWN',
    jsonb_build_object('recordedAt', c.recorded_at, 'grantor', c.grantor)
FROM consent c WHERE c.child_id = ANY($1::uuid[]) AND c.withdrawn_at IS NOT NULL)
    UNION ALL
    (SELECT o.requested_at AS at, 'consent-override'::text AS kind, o.id::text || ' REQUESTED' AS entry_key,
    o.id AS record_id, o.requester_agency AS owner, o.requester_agency AS agency, NULL::text AS other_agency,
    'REQUESTED'::text AS code, jsonb_build_object('purpose', o.purpose, 'categories', o.categories) AS facts
FROM consent_override o WHERE o.child_id = ANY($1::uuid[])
UNION ALL
SELECT o.approved_at, 'consent-override', o.id::text || ' APPROVED', o.id, o.requester_agency,
    coalesce(o.approver_agency, o.requester_agency), NULL, 'APPROVED',
    jsonb_build_object('purpose', o.purpose, 'categories', o.categories)
FROM consent_override o WHERE o.child_id = ANY($1::uuid[]) AND o.approved_at IS NOT NULL)
    UNION ALL
    (SELECT s.at AS at, 'disagreement'::text AS kind, s.id::text AS entry_key, c.id AS record_id,
    coalesce(ra.assessed_by_agency, dr.agency) AS owner, s.by_agency AS agency,
    CASE WHEN s.by_agency = c.challenged_agency THEN c.challenging_agency ELSE c.challenged_agency END AS other_agency,
    s.step AS code,
    jsonb_build_object('level', s.level, 'challenged', c.challenged_agency, 'challenging', c.challenging_agency,
        'currentLevel', c.level, 'decisionType', c.decision_type, 'decisionId', c.decision_id,
        'decidedAt', coalesce(ra.recorded_at, dr.at)) AS facts
FROM challenge_step s JOIN challenge c ON c.id = s.challenge_id
LEFT JOIN risk_assessment ra ON c.decision_type = 'risk-assessment' AND ra.id = c.decision_id
LEFT JOIN LATERAL (SELECT rr.agency_id AS agency, coalesce(rr.decided_at, r.created_at) AS at
    FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
    WHERE c.decision_type = 'referral-decline' AND r.id = c.decision_id AND rr.status = 'DECLINED'
    ORDER BY rr.decided_at LIMIT 1) dr ON true
WHERE c.child_id = ANY($1::uuid[]))
    UNION ALL
    (SELECT e.occurred_at AS at,
    CASE WHEN e.type LIKE 'placement-%' THEN 'placement' WHEN e.type = 'child-missing' THEN 'missing'
         WHEN e.type = 'child-found' THEN 'found' WHEN e.type = 'child-returning-home' THEN 'return-home'
         WHEN e.type = 'risk-changed' THEN 'shared-risk-change' ELSE 'case-event' END AS kind,
    e.id::text AS entry_key, e.id AS record_id, e.raised_by_agency AS owner, e.raised_by_agency AS agency,
    NULL::text AS other_agency, e.type AS code,
    jsonb_build_object('recordedAt', e.recorded_at, 'childId', e.child_id, 'categories',
        (SELECT coalesce(jsonb_agg(k), '[]'::jsonb) FROM jsonb_object_keys(e.details) k)) AS facts
FROM case_event e WHERE e.child_id = ANY($1::uuid[]) AND e.type NOT LIKE 'disagreement-%')
    UNION ALL
    (SELECT ri.at AS at, 'return-interview'::text AS kind, ri.id::text AS entry_key, e.id AS record_id,
    coalesce((SELECT f.recorded_by FROM return_interview f WHERE f.episode_id = e.id AND f.findings IS NOT NULL
        ORDER BY f.at, f.id LIMIT 1), e.reported_by) AS owner,
    ri.recorded_by AS agency, NULL::text AS other_agency, ri.outcome AS code,
    jsonb_build_object('recordedAt', e.recorded_at) AS facts
FROM return_interview ri JOIN missing_episode e ON e.id = ri.episode_id WHERE ri.child_id = ANY($1::uuid[]))
    UNION ALL
    (SELECT p.recorded_at AS at, 'trigger-plan'::text AS kind, p.id::text AS entry_key, p.id AS record_id,
    (SELECT n.recorded_by FROM trigger_plan n WHERE n.child_id = p.child_id ORDER BY n.recorded_at DESC, n.id
        LIMIT 1) AS owner, p.recorded_by AS agency, NULL::text AS other_agency,
    CASE WHEN p.supersedes IS NULL THEN 'AGREED' ELSE 'REVISED' END AS code,
    jsonb_build_object('reviewDate', p.review_date) AS facts
FROM trigger_plan p WHERE p.child_id = ANY($1::uuid[]))
    UNION ALL
    (SELECT r.created_at AS at, 'referral'::text AS kind, r.id::text AS entry_key, r.id AS record_id,
    r.requester_agency AS owner, r.requester_agency AS agency, r.home_council AS other_agency,
    'SENT'::text AS code, jsonb_build_object('createdAt', r.created_at, 'body', r.body, 'attachments',
    coalesce((SELECT jsonb_agg(a.category) FROM referral_attachment a WHERE a.referral_id = r.id), '[]'::jsonb)) AS facts
FROM referral r WHERE r.child_id = ANY($1::uuid[])
UNION ALL
SELECT rr.acknowledged_at, 'referral-response', r.id::text || ' ' || rr.agency_id || ' ACKNOWLEDGED', r.id,
    r.requester_agency, rr.agency_id, r.requester_agency, 'ACKNOWLEDGED', jsonb_build_object('createdAt', r.created_at, 'body', r.body, 'attachments',
    coalesce((SELECT jsonb_agg(a.category) FROM referral_attachment a WHERE a.referral_id = r.id), '[]'::jsonb))
FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
WHERE r.child_id = ANY($1::uuid[]) AND rr.acknowledged_at IS NOT NULL
UNION ALL
SELECT rr.decided_at, 'referral-response', r.id::text || ' ' || rr.agency_id || ' ' || rr.status, r.id,
    r.requester_agency, rr.agency_id, r.requester_agency, rr.status, jsonb_build_object('createdAt', r.created_at, 'body', r.body, 'attachments',
    coalesce((SELECT jsonb_agg(a.category) FROM referral_attachment a WHERE a.referral_id = r.id), '[]'::jsonb))
FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
WHERE r.child_id = ANY($1::uuid[]) AND rr.decided_at IS NOT NULL)
    UNION ALL
    (SELECT a.recorded_at AS at, 'risk-assessment'::text AS kind, a.id::text AS entry_key, a.id AS record_id,
    a.assessed_by_agency AS owner, a.assessed_by_agency AS agency, NULL::text AS other_agency, a.level AS code,
    jsonb_build_object('previousLevel', a.previous_level, 'downgrade', a.downgrade) AS facts
FROM risk_assessment a WHERE a.child_id = ANY($1::uuid[]))
    UNION ALL
    (WITH d AS (
    SELECT d.id, d.held_at, d.decided_at, d.decision, d.next_review_on, d.convener_agency,
        (SELECT coalesce(jsonb_agg(i.agency_id), '[]') FROM strategy_invitee i
            WHERE i.discussion_id = d.id) AS invitees
    FROM strategy_discussion d WHERE d.child_id = ANY($1::uuid[]))
SELECT d.held_at AS at, 'strategy-discussion'::text AS kind, d.id::text AS entry_key, d.id AS record_id,
    d.convener_agency AS owner, d.convener_agency AS agency, NULL::text AS other_agency, 'CONVENED'::text AS code,
    jsonb_build_object('invitees', d.invitees, 'discussion', d.id) AS facts
FROM d
UNION ALL
SELECT d.decided_at, 'strategy-decision', d.id::text, d.id, d.convener_agency, d.convener_agency, NULL, d.decision,
    jsonb_build_object('invitees', d.invitees, 'discussion', d.id, 'nextReviewOn', d.next_review_on)
FROM d WHERE d.decided_at IS NOT NULL
UNION ALL
SELECT a.created_at, 'strategy-action', a.id::text, a.id, d.convener_agency, a.owner_agency, d.convener_agency, a.status,
    jsonb_build_object('invitees', d.invitees, 'discussion', d.id, 'dueOn', a.due_on)
FROM strategy_action a JOIN d ON d.id = a.discussion_id WHERE a.child_id = ANY($1::uuid[])
UNION ALL
SELECT a.overdue_at, 'strategy-action-overdue', a.id::text, a.id, d.convener_agency, a.owner_agency, d.convener_agency,
    'OVERDUE', jsonb_build_object('invitees', d.invitees, 'discussion', d.id, 'dueOn', a.due_on)
FROM strategy_action a JOIN d ON d.id = a.discussion_id
WHERE a.child_id = ANY($1::uuid[]) AND a.overdue_at IS NOT NULL)
) e
WHERE ($2::timestamptz IS NULL OR e.at >= $2)
  AND ($3::timestamptz IS NULL OR e.at < $3)
  AND ($4::text[] IS NULL OR e.kind = ANY($4))
  AND ($5::timestamptz IS NULL OR (e.at, e.kind, e.entry_key) > ($5, $6::text, $7::text))
ORDER BY e.at, e.kind, e.entry_key
LIMIT $8
