-- Writes the pgbench baseline for bench/steps/referral-intake.sh: the SQL transaction of one FHIR
-- referral exactly as ReferralService.create writes it (ChildIndex.resolveOrCreate, the child's consent
-- records read for routing, the referral row, Relationships.add for the referrer, then per recipient
-- Outbox.enqueue + referral_recipient + Relationships.add, then AuditTrail.record's event +
-- sealer-queue row; after commit the receipt's two reads: the referral and its recipients), with the literal values of a referral the gateway itself wrote in this run (psql variable
-- "sample"), so row sizes match. Only ids and the NHS number change per transaction.
--   psql -At -v sample=<referral id> -f bench/referral/pgbench-script.sql "$URI" > referral.pgbench
-- Differences, all small: ids come from gen_random_uuid() in SQL instead of Java (the referral id
-- rides on the child statement's result, the alert id on RETURNING), and recorded_at is
-- clock_timestamp() instead of the gateway's Instant.now(). Statements, rows and values are the same.
-- Literals are E'' strings with ':' written as \x3a, because pgbench (extended/prepared protocol)
-- would take ":name" inside a literal for one of its variables.
\set QUIET on
CREATE OR REPLACE FUNCTION pg_temp.lit(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN 'NULL'
    ELSE 'E''' || replace(replace(replace(v, '\', '\\'), '''', ''''''), ':', '\x3a') || '''' END
$$;
SELECT '\set nhs random(1000000000, 9999999999)';
SELECT 'BEGIN;';
SELECT format('WITH existing AS (SELECT child_id FROM child_identifier WHERE system = %1$s AND value = :nhs::text), '
    || 'new_child AS (INSERT INTO child (id) SELECT gen_random_uuid() WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id), '
    || 'new_identifier AS (INSERT INTO child_identifier (system, value, child_id) SELECT %1$s, :nhs::text, id FROM new_child '
    || 'ON CONFLICT DO NOTHING RETURNING child_id) '
    || 'SELECT child_id, gen_random_uuid() AS referral_id FROM existing UNION ALL SELECT child_id, gen_random_uuid() FROM new_identifier \gset',
    pg_temp.lit(ci.system))
FROM referral r JOIN child_identifier ci ON ci.child_id = r.child_id WHERE r.id = :'sample'::uuid LIMIT 1;
-- The child's consent records, which the gateway reads (ConsentStore.forChild) before routing.
SELECT 'SELECT id, child_id, identifier_system, identifier_value, status, grantor, grantor_basis, grantor_description, '
    || 'provisions, period_start, period_end, recorded_by_agency, recorded_by_subject, recorded_at, withdrawn_at, '
    || 'withdrawn_by_agency, withdrawn_by_subject, withdrawal_reason FROM consent WHERE child_id = :child_id '
    || 'ORDER BY recorded_at DESC, id;';
SELECT format('INSERT INTO referral (id, child_id, requester_agency, requester_subject, home_council, risk_level, body, '
    || 'language_flags, source_format, idempotency_key, body_hash) VALUES (:referral_id, :child_id, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, NULL, %s);',
    pg_temp.lit(requester_agency), pg_temp.lit(requester_subject), pg_temp.lit(home_council), pg_temp.lit(risk_level),
    pg_temp.lit(body::text), pg_temp.lit(language_flags::text), pg_temp.lit(source_format), pg_temp.lit(body_hash))
FROM referral WHERE id = :'sample'::uuid;
SELECT format('INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact) '
    || 'VALUES (:child_id, %s, %s, %s, :referral_id, %s) ON CONFLICT DO NOTHING;',
    pg_temp.lit(agency_id), pg_temp.lit(kind), pg_temp.lit(source_type), pg_temp.lit(contact))
FROM relationship WHERE source_id = :'sample'::uuid AND kind = 'referrer';
-- Per recipient, in the order the gateway wrote them: the alert, the recipient row, the relationship.
SELECT format('INSERT INTO alert (id, recipient_agency, event, child_id, resource_type, resource_id, payload, categories, '
    || 'duty_ref, ack_due_at, escalation_target) VALUES (gen_random_uuid(), %s, %s, :child_id, %s, :referral_id, %s::jsonb, %s::jsonb, %s, %s::timestamptz, %s) '
    || 'RETURNING id AS alert_id \gset', pg_temp.lit(a.recipient_agency), pg_temp.lit(a.event), pg_temp.lit(a.resource_type),
    pg_temp.lit(a.payload::text), pg_temp.lit(a.categories::text), pg_temp.lit(a.duty_ref), pg_temp.lit(a.ack_due_at::text),
    pg_temp.lit(a.escalation_target))
  || E'\n' || format('INSERT INTO referral_recipient (referral_id, agency_id, case_role, relationship, duty_ref, categories, '
    || 'ack_due_at, alert_id) VALUES (:referral_id, %s, %s, %s, %s, %s::jsonb, %s::timestamptz, :alert_id);',
    pg_temp.lit(rr.agency_id), pg_temp.lit(rr.case_role), pg_temp.lit(rr.relationship), pg_temp.lit(rr.duty_ref),
    pg_temp.lit(rr.categories::text), pg_temp.lit(rr.ack_due_at::text))
  || E'\n' || format('INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact) '
    || 'VALUES (:child_id, %s, %s, %s, :referral_id, %s) ON CONFLICT DO NOTHING;',
    pg_temp.lit(rel.agency_id), pg_temp.lit(rel.kind), pg_temp.lit(rel.source_type), pg_temp.lit(rel.contact))
FROM referral_recipient rr
JOIN alert a ON a.id = rr.alert_id
JOIN relationship rel ON rel.source_id = rr.referral_id AND rel.agency_id = rr.agency_id AND rel.kind = rr.relationship
WHERE rr.referral_id = :'sample'::uuid
ORDER BY a.created_at, a.id;
SELECT format('WITH event AS (INSERT INTO audit_event (id, recorded_at, request_id, actor_subject, actor_client, actor_kind, '
    || 'actor_agency, actor_roles, purpose, action, resource_type, resource_id, child_id, categories, decision, reasons, '
    || 'denial_code, lawful_basis, override_justification, override_approver, outcome, source_address) '
    || 'VALUES (gen_random_uuid(), clock_timestamp(), gen_random_uuid()::text, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, :referral_id, '
    || ':child_id, %s::jsonb, %s, %s::jsonb, %s, %s, %s, %s, %s, %s) RETURNING recorded_at, id) '
    || 'INSERT INTO audit_pending (recorded_at, event_id) SELECT recorded_at, id FROM event;',
    pg_temp.lit(actor_subject), pg_temp.lit(actor_client), pg_temp.lit(actor_kind), pg_temp.lit(actor_agency),
    pg_temp.lit(actor_roles::text), pg_temp.lit(purpose), pg_temp.lit(action), pg_temp.lit(resource_type),
    pg_temp.lit(categories::text), pg_temp.lit(decision), pg_temp.lit(reasons::text), pg_temp.lit(denial_code),
    pg_temp.lit(lawful_basis), pg_temp.lit(override_justification), pg_temp.lit(override_approver), outcome,
    pg_temp.lit(source_address))
FROM audit_event WHERE resource_id = :'sample' AND action = 'referral.create' LIMIT 1;
SELECT 'COMMIT;';
SELECT 'SELECT child_id, created_at, language_flags FROM referral WHERE id = :referral_id;';
SELECT 'SELECT agency_id, case_role, relationship, duty_ref, categories, status, ack_due_at, acknowledged_at, decided_at, '
    || 'response_reason FROM referral_recipient WHERE referral_id = :referral_id ORDER BY ack_due_at, agency_id;';
