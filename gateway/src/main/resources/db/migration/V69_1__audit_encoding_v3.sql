-- Canonical encoding version 3 and strings-only audit arrays (docs/AUDIT.md, "Encoding versions").
--
-- Version 2 tells ["1"] from [1], but still reads a column that is not an array at all (5, {"a":1})
-- like the one-element array around it ([5], [{"a":1}]). Version 3 tags the column's shape too. A
-- chain entry says which version hashed it: NULL for every entry sealed before this migration (the
-- version then follows from the event, 1 or 2, as before), 3 for entries sealed from now on. The
-- version byte is hashed, so changing this column breaks the entry's hash. Adding a nullable column
-- rewrites nothing; NOT VALID skips a scan of the append-only history (there is nothing to check).
ALTER TABLE audit_chain ADD COLUMN encoding smallint;
ALTER TABLE audit_chain ADD CONSTRAINT audit_chain_encoding_known CHECK (encoding >= 3) NOT VALID;

-- True when the value is a JSON array of strings only. IMMUTABLE (it reads nothing but its argument),
-- as a CHECK needs; the subquery is why this is a function and not the constraint's expression.
CREATE FUNCTION audit_strings_only(value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT jsonb_typeof(value) = 'array'
              AND NOT EXISTS (SELECT FROM jsonb_array_elements(value) AS element WHERE jsonb_typeof(element) <> 'string') $$;

-- The gateway has only ever written arrays of strings; from now on PostgreSQL refuses anything else
-- in a new or updated row. NOT VALID: existing rows are neither rewritten nor re-checked (the history
-- stays as it was hashed), and no later migration may VALIDATE these constraints; the verifier reports
-- a non-string element in an old row instead (finding NON_STRING_ELEMENT). On the partitioned table the
-- constraints reach every partition, present and future. data_owners stays nullable (NULL = encoding 1).
ALTER TABLE audit_event ADD CONSTRAINT audit_event_actor_roles_strings CHECK (audit_strings_only(actor_roles)) NOT VALID;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_categories_strings CHECK (audit_strings_only(categories)) NOT VALID;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_reasons_strings CHECK (audit_strings_only(reasons)) NOT VALID;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_data_owners_strings CHECK (audit_strings_only(data_owners)) NOT VALID;
