package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * Operation Encompass with real tokens against the packaged gateway: the Met reports a domestic abuse
 * incident a child was present at; the school is due to hear before 08:30 on a school day; the school's
 * system reads the notification through the link with its own token; a provider cannot raise the event.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class OperationEncompassIT {

    static RequestSpecification as(String client, String purpose) {
        return given().auth().oauth2(KeycloakTokens.clientToken(client)).header("Purpose-Of-Use", purpose)
                .contentType(ContentType.JSON);
    }

    @Test
    void theMetsReportReachesTheSchoolBeforeTheNextSchoolDayAndTheSchoolReadsIt() {
        String nhs = Fixtures.nhsNumber();
        String childId = as("la-tower-hamlets", "CARE-PLANNING").body(Api.placement(Api.NHS, nhs))
                .when().post("/api/v1/placements").then().statusCode(201).extract().path("childId");
        Instant before = Instant.now();
        ExtractableResponse<Response> r = as("police-met", "SAFEGUARDING")
                .body(Map.of("childPresent", true, "school", "school:100000", "schoolCouncil", "la:E09000030"))
                .when().post("/api/v1/children/" + childId + "/domestic-abuse-incidents").then().extract();
        assertEquals(201, r.statusCode(), r.asString());
        assertEquals(List.of("school:100000"), r.path("event.notified.agency"));
        ZonedDateTime due = Instant.parse(r.path("event.notified[0].deadline")).atZone(ZoneId.of("Europe/London"));
        assertEquals(LocalTime.of(8, 30), due.toLocalTime());
        assertTrue(due.getDayOfWeek() != DayOfWeek.SATURDAY && due.getDayOfWeek() != DayOfWeek.SUNDAY, due.toString());
        assertTrue(due.toInstant().isAfter(before), due.toString());

        String eventId = r.path("id");
        as("school-100000", "SAFEGUARDING").when().get("/api/v1/case-events/" + eventId)
                .then().statusCode(200).body("data.risk.childPresent", equalTo(true));
        as("provider-sc654321", "SAFEGUARDING")
                .body(Map.of("childPresent", true, "school", "school:100000"))
                .when().post("/api/v1/children/" + childId + "/domestic-abuse-incidents").then().statusCode(403)
                .body("code", equalTo("NOT_PERMITTED_BY_PROTOCOL"));
    }
}
