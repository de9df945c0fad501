-- Secrets at rest (docs/SECURITY.md): webhook signing secrets (alert_subscription.secrets, a JSON array of
-- strings) and OAuth client secrets (alert_subscription.oauth->'clientSecret') are stored encrypted, in
-- place, as gcm1:<key id>:<base64url(nonce || AES-256-GCM ciphertext || tag)> (secrets/SecretBox). The key
-- lives in configuration, not here, so this migration cannot encrypt the existing rows: the gateway does
-- it at start-up, right after the migrations (alert/StoredSecrets), and the plaintext in the live rows is
-- overwritten there. Encrypting in place (not a new column) means no plaintext column is left to drop.
--
-- From now on nothing may write a plaintext secret: every INSERT and UPDATE is checked. NOT VALID, because
-- rows written before this version are still plaintext until that start-up pass; a later migration may
-- VALIDATE these constraints once every deployment has started on this version.
ALTER TABLE alert_subscription ADD CONSTRAINT alert_subscription_secrets_encrypted
    CHECK (NOT jsonb_path_exists(secrets, '$[*] ? (!(@ starts with "gcm1:"))')) NOT VALID;
ALTER TABLE alert_subscription ADD CONSTRAINT alert_subscription_oauth_secret_encrypted
    CHECK (oauth IS NULL OR oauth ->> 'clientSecret' LIKE 'gcm1:%') NOT VALID;
