package uk.safeguarding.gateway.support;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers the embedded PostgreSQL for every @QuarkusTest in the module (restrictToAnnotatedClass
 * false), so all tests share one database and one application start; and a witness every signed
 * checkpoint is pushed to (WitnessTestResource).
 */
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = WitnessTestResource.class, restrictToAnnotatedClass = false)
public final class GatewayTestProfile {

    private GatewayTestProfile() {
    }
}
