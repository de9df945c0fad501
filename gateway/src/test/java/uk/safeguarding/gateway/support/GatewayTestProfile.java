package uk.safeguarding.gateway.support;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers the embedded PostgreSQL for every @QuarkusTest in the module (restrictToAnnotatedClass
 * false), so all tests share one database and one application start.
 */
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = false)
public final class GatewayTestProfile {

    private GatewayTestProfile() {
    }
}
