package uk.safeguarding.gateway.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.awaitility.Awaitility;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;

@QuarkusTest
class ReadinessTest {

    @Test
    void readyOnlyWithMigrationsAppliedAndFhirWarm() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        given().when().get("/q/health/ready").then()
                .body("checks.name", hasItems("database-schema", "fhir-context"))
                .body("checks.find { it.name == 'database-schema' }.data.migrationsApplied", greaterThanOrEqualTo(1));
    }

    @jakarta.inject.Inject
    uk.safeguarding.gateway.fhir.FhirContextHolder fhir;
    @jakarta.inject.Inject
    uk.safeguarding.gateway.policy.PolicyService policy;

    /** The startup probe's check is a real one: down until the start event, then up with what it waited for. */
    @Test
    void startedOnlyOnceTheApplicationStartedWithProtocolsAndAWarmFhirContext() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP")));
        given().when().get("/q/health/started").then()
                .body("checks.name", hasItems("gateway-started"))
                .body("checks.find { it.name == 'gateway-started' }.data.protocolsLoaded", greaterThanOrEqualTo(1))
                .body("checks.find { it.name == 'gateway-started' }.data.fhirContextWarm", equalTo(true));
        StartupComplete beforeStart = new StartupComplete(fhir, policy);
        org.junit.jupiter.api.Assertions.assertEquals(org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN,
                beforeStart.call().getStatus(), "down before the start event, although the port is open");
        beforeStart.onStart(null);
        org.junit.jupiter.api.Assertions.assertEquals(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP,
                beforeStart.call().getStatus());
    }

    @Test
    void flywayCreatedTheSchemaInTheRealDatabase() throws Exception {
        try (Connection connection = EmbeddedPostgresResource.database().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT to_regclass('public.child_identifier') IS NOT NULL, version()")) {
            rs.next();
            org.junit.jupiter.api.Assertions.assertTrue(rs.getBoolean(1), "child_identifier table created by Flyway");
            String expected = EmbeddedPostgresResource.database().external() ? "PostgreSQL " : "PostgreSQL 17";
            org.junit.jupiter.api.Assertions.assertTrue(rs.getString(2).startsWith(expected), rs.getString(2));
        }
    }
}
