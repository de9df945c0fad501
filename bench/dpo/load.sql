-- bench/steps/dpo-search.sh: a synthetic audit history for the DPO search bench, written by SQL as the
-- database owner (psql -v events=N -v children=N -v dpo_agency=ID). Rows have the columns and shapes
-- AuditTrail writes (strings-only jsonb arrays, data_owners on disclosures) and one chain row each, so
-- the search's LEFT JOIN to audit_chain finds a seq for every event. The chain links structurally
-- (seq 1 continues the genesis hash, each prev_hash is the previous entry's hash), so the sealer
-- continues it and the checkpointer signs it, but the hashes are sha256(seq), not of the events: the
-- verifier would report every entry. Nothing here is a real person or child.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
DROP SCHEMA IF EXISTS bench_dpo CASCADE;
CREATE SCHEMA bench_dpo;

-- 50 agencies: the DPO's own first (index 0), then 49 of the shapes the partnership uses.
CREATE TABLE bench_dpo.agency (i int PRIMARY KEY, id text NOT NULL);
INSERT INTO bench_dpo.agency VALUES (0, :'dpo_agency');
INSERT INTO bench_dpo.agency
SELECT i, CASE i % 5 WHEN 0 THEN 'la:E0600' || lpad(i::text, 4, '0') WHEN 1 THEN 'police:force' || i
                     WHEN 2 THEN 'nhs:trust' || i WHEN 3 THEN 'school:' || (100000 + i) ELSE 'provider:SC' || (500000 + i) END
FROM generate_series(1, 49) i;

-- Events per child: 3 + ceil(K / rank^0.75), K chosen so that the total reaches :events (a Zipf-like
-- tail: the first children have thousands, the median about ten). A child's home agency (whose
-- information its disclosures carry) is agency rank % 50; ranks 50, 100, ... belong to the DPO's.
CREATE TABLE bench_dpo.child AS
WITH s AS (SELECT sum(power(r, -0.75)) AS z FROM generate_series(1, :children) r)
SELECT r, md5('child-' || r)::uuid AS child_id, r % 50 AS home,
       3 + ceil(((:events - 3.0 * :children) / s.z) * power(r, -0.75))::int AS events
FROM generate_series(1, :children) r, s;
ALTER TABLE bench_dpo.child ADD PRIMARY KEY (r);

-- The gateway's secondary indexes are dropped for the load and rebuilt from their own definitions
-- (pg_get_indexdef), which is several times faster than maintaining them row by row.
CREATE TABLE bench_dpo.index_def AS
SELECT c.relname AS name, replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') AS def
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relname IN ('audit_event', 'audit_chain') AND NOT i.indisprimary;
SELECT format('DROP INDEX %I', name) FROM bench_dpo.index_def \gexec

-- One year of events, before the first chain entry the gateway itself sealed (none yet on a fresh
-- database: the step loads before any DPO request). Per event n of a child: 60% disclosures (reads
-- of the child's record, PERMIT, categories, data_owners = the home agency), 20% writes by the home
-- agency, 10% refusals, 10% other reads without categories. The acting agency of the others is one of
-- the 50 by a hash of (child, n), uniform.
INSERT INTO audit_event (id, recorded_at, request_id, actor_subject, actor_client, actor_kind, actor_agency,
    actor_roles, purpose, action, resource_type, resource_id, child_id, categories, decision, reasons,
    denial_code, lawful_basis, outcome, source_address, data_owners)
SELECT gen_random_uuid(), now() - interval '2 minutes' - random() * interval '365 days', md5(random()::text),
       CASE WHEN k.kind = 'write' THEN 'client-' || k.actor ELSE 'user-' || k.actor || '-' || (n % 40) END,
       'client-' || k.actor, CASE WHEN k.kind = 'write' THEN 'CLIENT' ELSE 'USER' END, a.id,
       CASE WHEN k.kind = 'write' THEN '["system"]' ELSE '["practitioner"]' END::jsonb,
       CASE n % 3 WHEN 0 THEN 'SAFEGUARDING' WHEN 1 THEN 'CARE-PLANNING' ELSE 'MISSING-RESPONSE' END,
       CASE k.kind WHEN 'disclose' THEN 'referral.read' WHEN 'write' THEN 'referral.create'
                   WHEN 'deny' THEN 'referral.read' ELSE 'referral.search' END,
       'ServiceRequest', md5(c.r || '-' || n)::uuid::text, c.child_id,
       CASE WHEN k.kind = 'disclose' THEN '["identity","risk","placement"]' ELSE '[]' END::jsonb,
       CASE WHEN k.kind = 'deny' THEN 'DENY' ELSE 'PERMIT' END,
       CASE WHEN k.kind = 'deny' THEN '[]' ELSE '["safeguarding-partnership@1#share-on-referral"]' END::jsonb,
       CASE WHEN k.kind = 'deny' THEN 'NO_RELATIONSHIP' END,
       CASE WHEN k.kind = 'disclose' THEN 'ukgdpr-9-2-g+dpa-sch1-p18' WHEN k.kind = 'write' THEN 'ukgdpr-6-1-e' END,
       CASE k.kind WHEN 'deny' THEN 403 WHEN 'write' THEN 201 ELSE 200 END,
       '10.' || k.actor || '.' || (n % 250) || '.1',
       CASE WHEN k.kind = 'disclose' THEN jsonb_build_array(h.id) END
FROM bench_dpo.child c
JOIN bench_dpo.agency h ON h.i = c.home
CROSS JOIN LATERAL generate_series(1, c.events) n
CROSS JOIN LATERAL (SELECT CASE WHEN n % 10 < 6 THEN 'disclose' WHEN n % 10 < 8 THEN 'write'
                                WHEN n % 10 = 8 THEN 'deny' ELSE 'read' END AS kind,
                           CASE WHEN n % 10 IN (6, 7) THEN c.home
                                ELSE ((hashint8(c.r::bigint * 1000003 + n)::bigint + 2147483648) % 50)::int END AS actor) k
JOIN bench_dpo.agency a ON a.i = k.actor;

-- The chain in recorded order, as the sealer would have sealed it.
INSERT INTO audit_chain (seq, event_id, recorded_at, prev_hash, hash, sealed_at, encoding)
SELECT s.seq, s.id, s.recorded_at,
       CASE WHEN s.seq = 1 THEN '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
            ELSE sha256(int8send(s.seq - 1)) END,
       sha256(int8send(s.seq)), s.recorded_at + interval '150 milliseconds', 3
FROM (SELECT row_number() OVER (ORDER BY recorded_at, id) AS seq, id, recorded_at FROM audit_event) s;

SELECT def FROM bench_dpo.index_def \gexec
-- In production this history would already be behind the anomaly detector's cursor.
UPDATE audit_anomaly_cursor SET last_seq = (SELECT max(seq) FROM audit_chain);
VACUUM ANALYZE audit_event;
VACUUM ANALYZE audit_chain;
