-- Signatories onboarded through the admin API (docs/OPERATIONS.md). Agencies that signed in the
-- protocol YAML stay there; these are the ones that joined later. The Keycloak client secret is
-- never stored: only the client's id and Keycloak's internal id, to rotate or disable it.
CREATE TABLE signatory (
    agency_id          text        PRIMARY KEY,
    agency_type        text        NOT NULL,
    display_name       text        NOT NULL,
    dpo_contact        text        NOT NULL,
    client_id          text        NOT NULL UNIQUE,
    keycloak_client_id text        NOT NULL,
    status             text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
    status_reason      text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- What it signed. Membership counts only while the signatory is ACTIVE; suspension, revocation and
-- reinstatement each make a new membership version of every protocol it signed (below).
CREATE TABLE signatory_protocol (
    agency_id   text        NOT NULL REFERENCES signatory (agency_id),
    protocol_id text        NOT NULL,
    signed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, protocol_id)
);

-- Every membership change of a protocol, numbered per protocol. The engine runs with the latest
-- number as the protocol's version label (1.0.0+m3), so each decision's reasons name the
-- membership it used. Append-only.
CREATE TABLE protocol_membership_version (
    protocol_id text        NOT NULL,
    version     integer     NOT NULL CHECK (version > 0),
    change      text        NOT NULL CHECK (change IN ('ADDED', 'REMOVED')),
    agency_id   text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    changed_by  text,
    request_id  text,
    PRIMARY KEY (protocol_id, version)
);

-- The revocation list: an agency here is refused on every request, whatever its token says, within
-- the cache time of gateway.signatories.revocation-cache-ttl.
CREATE TABLE signatory_revocation (
    agency_id  text        PRIMARY KEY,
    status     text        NOT NULL CHECK (status IN ('SUSPENDED', 'REVOKED')),
    revoked_at timestamptz NOT NULL DEFAULT now(),
    revoked_by text,
    reason     text        NOT NULL
);

-- Deliveries to a suspended or revoked agency stop: its alerts wait (and escalate as usual).
ALTER TABLE alert_subscription ADD COLUMN paused_at timestamptz;

-- The DPO's review queue learns that an agency was cut off.
ALTER TABLE audit_anomaly DROP CONSTRAINT audit_anomaly_kind_check;
ALTER TABLE audit_anomaly ADD CONSTRAINT audit_anomaly_kind_check CHECK (kind IN ('NO_RELATIONSHIP', 'BULK_READS',
    'OUT_OF_HOURS', 'OVERRIDE', 'REPEATED_DENIALS', 'SIGNATORY_SUSPENDED', 'SIGNATORY_REVOKED'));
