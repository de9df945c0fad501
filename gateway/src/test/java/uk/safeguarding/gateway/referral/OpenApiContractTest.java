package uk.safeguarding.gateway.referral;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The contract (META-INF/openapi.yaml) is served, and its coded values are the ones the code enforces. */
@QuarkusTest
class OpenApiContractTest {

    private static JsonPath contract() {
        return given().accept("application/json").when().get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void everyReferralRouteIsInTheContract() {
        JsonPath api = contract();
        for (String path : List.of("/api/v1/referrals", "/api/v1/referrals/{id}", "/api/v1/referrals/{id}/acknowledge",
                "/api/v1/referrals/{id}/accept", "/api/v1/referrals/{id}/decline", "/api/v1/inbox",
                "/api/v1/children/{childId}/involvement")) {
            assertTrue(api.getMap("paths").containsKey(path), "contract lacks " + path);
        }
        assertEquals("createReferral", api.getString("paths.'/api/v1/referrals'.post.operationId"));
    }

    @Test
    void codedValuesMatchTheValidator() {
        JsonPath api = contract();
        assertEquals(new TreeSet<>(ReferralValidator.RISK_LEVELS),
                new TreeSet<>(api.getList("components.schemas.RiskLevel.enum", String.class)));
        assertEquals(new TreeSet<>(ReferralValidator.CONCERN_CATEGORIES),
                new TreeSet<>(api.getList("components.schemas.ConcernCategory.enum", String.class)));
        assertEquals(new TreeSet<>(ReferralValidator.HANDLING_CODES),
                new TreeSet<>(api.getList("components.schemas.Intelligence.properties.handlingCode.enum", String.class)));
        Set<String> components = new TreeSet<>();
        for (var c : Referral.class.getRecordComponents()) {
            components.add(c.getName());
        }
        assertEquals(components, new TreeSet<>(api.getMap("components.schemas.Referral.properties").keySet()),
                "the contract's Referral and the canonical record must have the same fields");
        assertEquals(Set.of("requesterAgency", "homeCouncil", "child", "riskLevel", "concernCategories", "summary"),
                Set.copyOf(api.getList("components.schemas.Referral.required", String.class)));
    }
}
