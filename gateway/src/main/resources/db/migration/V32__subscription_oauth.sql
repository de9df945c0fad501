-- Recipients whose endpoints require an OAuth token: the gateway obtains one with the client
-- credentials grant (Quarkus OIDC client). {"tokenUrl", "clientId", "clientSecret", "scope"};
-- the client secret is never returned by the API.
ALTER TABLE alert_subscription ADD COLUMN oauth jsonb;
