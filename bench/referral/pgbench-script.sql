-- Writes the pgbench baseline for bench/steps/referral-intake.sh: the SQL transaction of one FHIR
-- referral exactly as ReferralRouting.store sends it, with the literal values of a referral the gateway
-- itself wrote in this run (psql variable "sample"), so row sizes match. Only ids and the NHS number
-- change per transaction.
--   psql -At -v sample=<referral id> -f bench/referral/pgbench-script.sql "$URI" > referral.pgbench
-- The transaction, in round trips as the gateway makes them: BEGIN; ChildIndex.resolve (one statement);
-- the child's consent read (ConsentStore.forChild), only for a child that existed before (a child the
-- request created has none); then one pipeline of statements sent without waiting for one another
-- (the referral; every relationship, the referrer's and the recipients', in one multi-row INSERT;
-- IdentityIntake's matching keys and, for a new child with a postcode key, its candidate search; every alert in one
-- multi-row INSERT; every referral_recipient row in one; AuditTrail.record's event + sealer-queue row;
-- the receipt's two reads); COMMIT. The gateway binds its arrays as parameters; here they are literals.
-- Differences, all small: ids come from gen_random_uuid() in SQL instead of Java (the referral's and
-- the alerts' ride on the child statement's result), and recorded_at is clock_timestamp() instead of
-- the gateway's Instant.now(). Statements, rows and values are the same.
-- Literals are E'' strings with ':' written as \x3a, because pgbench (extended/prepared protocol)
-- would take ":name" inside a literal for one of its variables.
\set QUIET on
CREATE OR REPLACE FUNCTION pg_temp.lit(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN 'NULL'
    ELSE 'E''' || replace(replace(replace(v, '\', '\\'), '''', ''''''), ':', '\x3a') || '''' END
$$;
-- ARRAY[...]::type[] of the values, in order.
CREATE OR REPLACE FUNCTION pg_temp.arr(v text[], t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'ARRAY[' || string_agg(pg_temp.lit(x), ', ' ORDER BY n) || ']::' || t || '[]' FROM unnest(v) WITH ORDINALITY AS u(x, n)
$$;
SELECT '\set nhs random(1000000000, 9999999999)';
SELECT 'BEGIN;';
-- ChildIndex.resolve, with the referral's and each alert's id beside its result.
SELECT format('WITH existing AS (SELECT child_id FROM child_identifier WHERE system = %1$s AND value = :nhs::text), '
    || 'new_child AS (INSERT INTO child (id) SELECT gen_random_uuid() WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id), '
    || 'new_identifier AS (INSERT INTO child_identifier (system, value, child_id) SELECT %1$s, :nhs::text, id FROM new_child '
    || 'ON CONFLICT DO NOTHING RETURNING child_id) '
    || 'SELECT child_id, created, gen_random_uuid() AS referral_id%2$s FROM (SELECT child_id, 0 AS created FROM existing '
    || 'UNION ALL SELECT child_id, 1 AS created FROM new_identifier) AS resolved \gset',
    pg_temp.lit(ci.system),
    (SELECT coalesce(string_agg(format(', gen_random_uuid() AS alert_%s', n), '' ORDER BY n), '')
       FROM generate_series(1, (SELECT count(*) FROM alert WHERE resource_id = :'sample' AND event = 'referral-received')::int) AS n))
FROM referral r JOIN child_identifier ci ON ci.child_id = r.child_id WHERE r.id = :'sample'::uuid LIMIT 1;
-- The child's consent records (ConsentStore.forChild), read only for a child that existed before.
SELECT '\if :created = 0';
SELECT 'SELECT id, child_id, identifier_system, identifier_value, status, grantor, grantor_basis, grantor_description, '
    || 'provisions, period_start, period_end, recorded_by_agency, recorded_by_subject, recorded_at, withdrawn_at, '
    || 'withdrawn_by_agency, withdrawn_by_subject, withdrawal_reason FROM consent WHERE child_id = :child_id '
    || 'ORDER BY recorded_at DESC, id;';
SELECT '\endif';
SELECT '\startpipeline';
SELECT format('INSERT INTO referral (id, child_id, requester_agency, requester_subject, home_council, risk_level, body, '
    || 'language_flags, source_format, idempotency_key, body_hash) VALUES (:referral_id, :child_id, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, NULL, %s);',
    pg_temp.lit(requester_agency), pg_temp.lit(requester_subject), pg_temp.lit(home_council), pg_temp.lit(risk_level),
    pg_temp.lit(body::text), pg_temp.lit(language_flags::text), pg_temp.lit(source_format), pg_temp.lit(body_hash))
FROM referral WHERE id = :'sample'::uuid;
-- Relationships.addAll (through Standings): the referrer's and every recipient's, in one statement.
SELECT format('INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact, standing, event, '
    || 'asserted_by, asserted_by_subject, rule, claim_id, scope) SELECT c, a, k, st, s, co, sd, e, ab, abs, ru, cl, sc '
    || 'FROM unnest(ARRAY[%s]::uuid[], %s, %s, %s, ARRAY[%s]::uuid[], %s, %s, %s, %s, %s, %s, %s, %s) '
    || 'WITH ORDINALITY AS u(c, a, k, st, s, co, sd, e, ab, abs, ru, cl, sc, n) ORDER BY n ON CONFLICT DO NOTHING;',
    string_agg(':child_id', ', '), pg_temp.arr(array_agg(agency_id ORDER BY o), 'text'), pg_temp.arr(array_agg(kind ORDER BY o), 'text'),
    pg_temp.arr(array_agg(source_type ORDER BY o), 'text'), string_agg(':referral_id', ', '),
    pg_temp.arr(array_agg(contact ORDER BY o), 'text'), pg_temp.arr(array_agg(standing ORDER BY o), 'text'),
    pg_temp.arr(array_agg(event ORDER BY o), 'text'), pg_temp.arr(array_agg(asserted_by ORDER BY o), 'text'),
    pg_temp.arr(array_agg(asserted_by_subject ORDER BY o), 'text'), pg_temp.arr(array_agg(rule ORDER BY o), 'text'),
    pg_temp.arr(array_agg(claim_id::text ORDER BY o), 'uuid'), pg_temp.arr(array_agg(scope ORDER BY o), 'text'))
FROM (SELECT *, (kind <> 'referrer')::int::text || agency_id AS o FROM relationship WHERE source_id = :'sample'::uuid) AS rel;
-- IdentityIntake.received: the matching keys and, for a new child with a postcode key, the candidate search.
SELECT format('INSERT INTO child_match_key (child_id, kind, key_hash) SELECT :child_id, k, h::bytea '
    || 'FROM unnest(%1$s, %2$s) AS u(k, h) ON CONFLICT DO NOTHING;', kinds, hashes)
  || CASE WHEN NOT has_postcode THEN '' ELSE E'\n\\if :created = 1\n' || format('SELECT k.child_id, array_agg(DISTINCT k.kind ORDER BY k.kind) AS kinds '
    || 'FROM child_match_key k JOIN unnest(%1$s, %2$s) AS u(kind, h) ON k.kind = u.kind AND k.key_hash = u.h::bytea '
    || 'WHERE k.child_id <> :child_id AND k.child_id IN (SELECT p.child_id FROM child_match_key p '
    || 'WHERE p.kind = %3$s AND p.key_hash = %4$s::bytea) GROUP BY k.child_id HAVING count(DISTINCT k.kind) >= 2 '
    || 'AND bool_or(k.kind = %3$s) ORDER BY count(DISTINCT k.kind) DESC, k.child_id LIMIT 5;', kinds, hashes,
    pg_temp.lit('dob-outward-initial'), pg_temp.lit(postcode_hash)) || E'\n\\endif' END
FROM (SELECT pg_temp.arr(array_agg(kind ORDER BY kind), 'text') AS kinds, bool_or(kind = 'dob-outward-initial') AS has_postcode,
        max('\x' || encode(key_hash, 'hex')) FILTER (WHERE kind = 'dob-outward-initial') AS postcode_hash,
        pg_temp.arr(array_agg('\x' || encode(key_hash, 'hex') ORDER BY kind), 'text') AS hashes
      FROM child_match_key WHERE child_id = (SELECT child_id FROM referral WHERE id = :'sample'::uuid)) AS keys
WHERE kinds IS NOT NULL;
-- Outbox.enqueueAll: every recipient's alert in one statement.
SELECT format('INSERT INTO alert (id, recipient_agency, event, child_id, resource_type, resource_id, payload, categories, '
    || 'duty_ref, ack_due_at, escalation_target, trace_parent) SELECT i, ra, e, c, rt, ri, p::jsonb, ca::jsonb, d, a, es, t '
    || 'FROM unnest(ARRAY[%s]::uuid[], %s, %s, ARRAY[%s]::uuid[], %s, ARRAY[%s]::text[], %s, %s, %s, %s, %s, %s) '
    || 'WITH ORDINALITY AS u(i, ra, e, c, rt, ri, p, ca, d, a, es, t, n) ORDER BY n;',
    string_agg(':alert_' || n, ', ' ORDER BY n), pg_temp.arr(array_agg(recipient_agency ORDER BY n), 'text'),
    pg_temp.arr(array_agg(event ORDER BY n), 'text'), string_agg(':child_id', ', '),
    pg_temp.arr(array_agg(resource_type ORDER BY n), 'text'), string_agg(':referral_id', ', '),
    pg_temp.arr(array_agg(payload::text ORDER BY n), 'text'), pg_temp.arr(array_agg(categories::text ORDER BY n), 'text'),
    pg_temp.arr(array_agg(duty_ref ORDER BY n), 'text'), pg_temp.arr(array_agg(ack_due_at::text ORDER BY n), 'timestamptz'),
    pg_temp.arr(array_agg(escalation_target ORDER BY n), 'text'), pg_temp.arr(array_agg(trace_parent ORDER BY n), 'text'))
FROM (SELECT *, row_number() OVER (ORDER BY recipient_agency) AS n FROM alert
      WHERE resource_id = :'sample' AND event = 'referral-received') AS a
HAVING count(*) > 0;
-- ReferralRepository.insertRecipients: every recipient row in one statement.
SELECT format('INSERT INTO referral_recipient (referral_id, agency_id, case_role, relationship, duty_ref, categories, '
    || 'ack_due_at, alert_id) SELECT :referral_id, a, cr, r, d, c::jsonb, due, al '
    || 'FROM unnest(%s, %s, %s, %s, %s, %s, ARRAY[%s]::uuid[]) WITH ORDINALITY AS u(a, cr, r, d, c, due, al, n) ORDER BY n;',
    pg_temp.arr(array_agg(rr.agency_id ORDER BY rr.agency_id), 'text'), pg_temp.arr(array_agg(rr.case_role ORDER BY rr.agency_id), 'text'),
    pg_temp.arr(array_agg(rr.relationship ORDER BY rr.agency_id), 'text'), pg_temp.arr(array_agg(rr.duty_ref ORDER BY rr.agency_id), 'text'),
    pg_temp.arr(array_agg(rr.categories::text ORDER BY rr.agency_id), 'text'),
    pg_temp.arr(array_agg(rr.ack_due_at::text ORDER BY rr.agency_id), 'timestamptz'),
    string_agg(coalesce(':alert_' || a.n, 'NULL'), ', ' ORDER BY rr.agency_id))
FROM referral_recipient rr
LEFT JOIN (SELECT id, row_number() OVER (ORDER BY recipient_agency) AS n FROM alert
           WHERE resource_id = :'sample' AND event = 'referral-received') AS a ON a.id = rr.alert_id
WHERE rr.referral_id = :'sample'::uuid
HAVING count(*) > 0;
-- AuditTrail.record: the event and its sealer-queue row.
SELECT format('WITH event AS (INSERT INTO audit_event (id, recorded_at, request_id, actor_subject, actor_client, actor_kind, '
    || 'actor_agency, actor_roles, purpose, action, resource_type, resource_id, child_id, categories, decision, reasons, '
    || 'denial_code, lawful_basis, override_justification, override_approver, outcome, source_address, data_owners) '
    || 'VALUES (gen_random_uuid(), clock_timestamp(), gen_random_uuid()::text, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, :referral_id, '
    || ':child_id, %s::jsonb, %s, %s::jsonb, %s, %s, %s, %s, %s, %s, %s::jsonb) RETURNING recorded_at, id) '
    || 'INSERT INTO audit_pending (recorded_at, event_id) SELECT recorded_at, id FROM event;',
    pg_temp.lit(actor_subject), pg_temp.lit(actor_client), pg_temp.lit(actor_kind), pg_temp.lit(actor_agency),
    pg_temp.lit(actor_roles::text), pg_temp.lit(purpose), pg_temp.lit(action), pg_temp.lit(resource_type),
    pg_temp.lit(categories::text), pg_temp.lit(decision), pg_temp.lit(reasons::text), pg_temp.lit(denial_code),
    pg_temp.lit(lawful_basis), pg_temp.lit(override_justification), pg_temp.lit(override_approver), outcome,
    pg_temp.lit(source_address), pg_temp.lit(data_owners::text))
FROM audit_event WHERE resource_id = :'sample' AND action = 'referral.create' LIMIT 1;
-- The receipt, read inside the transaction.
SELECT 'SELECT child_id, created_at, language_flags FROM referral WHERE id = :referral_id;';
SELECT 'SELECT agency_id, case_role, relationship, duty_ref, categories, status, ack_due_at, acknowledged_at, decided_at, '
    || 'response_reason FROM referral_recipient WHERE referral_id = :referral_id ORDER BY ack_due_at, agency_id;';
SELECT '\endpipeline';
SELECT 'COMMIT;';
