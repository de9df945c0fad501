-- DPO scope (docs/SECURITY.md, "DPO scope"): a DPO sees every action of their own agency's staff
-- and systems, and every disclosure of information their agency contributed. The second needs each
-- audit event to say whose information it disclosed: data_owners, the agencies that contributed the
-- released records. NULL marks a row written before this column (canonical encoding version 1); every
-- later row has an array, possibly empty (version 2, see audit/chain/CanonicalEncoding). Adding a
-- nullable column rewrites nothing: the append-only history stays as it was hashed.
ALTER TABLE audit_event ADD COLUMN data_owners jsonb;

-- The scope is a WHERE clause on indexed columns: actor_agency (audit_event_agency) or containment here.
CREATE INDEX audit_event_data_owners ON audit_event USING gin (data_owners jsonb_path_ops);

-- Anomaly flags are shown to the DPOs of the agencies they concern: the acting agency and, where the
-- flag is about another agency's information or child, those agencies too.
ALTER TABLE audit_anomaly ADD COLUMN agencies text[] NOT NULL DEFAULT '{}';
UPDATE audit_anomaly SET agencies = ARRAY[actor_agency] WHERE actor_agency IS NOT NULL;
CREATE INDEX audit_anomaly_agencies ON audit_anomaly USING gin (agencies);

-- Flags raised by the request that caused them (not by the detector): a self-asserted relationship
-- with a child other agencies already know, an emergency standing override, a consent record that
-- loosens or tightens another agency's, a secret handed out by an administrator, a partnership-wide
-- DPO view.
ALTER TABLE audit_anomaly DROP CONSTRAINT audit_anomaly_kind_check;
ALTER TABLE audit_anomaly ADD CONSTRAINT audit_anomaly_kind_check CHECK (kind IN ('NO_RELATIONSHIP', 'BULK_READS',
    'OUT_OF_HOURS', 'OVERRIDE', 'REPEATED_DENIALS', 'SIGNATORY_SUSPENDED', 'SIGNATORY_REVOKED', 'ASSERTED_STANDING', 'STANDING_OVERRIDE', 'STANDING_DECIDED',
    'CONSENT_LOOSENED', 'CONSENT_TIGHTENED', 'SECRET_ISSUED', 'PARTNERSHIP_VIEW', 'MISSING_UNCONFIRMED'));
