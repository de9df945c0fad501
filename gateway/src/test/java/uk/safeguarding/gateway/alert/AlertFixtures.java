package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;

import com.standardwebhooks.Webhook;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/** The agencies of the shipped protocols, and helpers to subscribe them and raise events through HTTP. */
public final class AlertFixtures {

    static final String PLACING = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String HOST_POLICE = "police:lancashire";
    static final String HOME_POLICE = "police:met";
    static final String HOST_HEALTH = "nhs:QE1";
    static final String HOME_HEALTH = "nhs:RQX";
    static final String SCHOOL = "school:100000";
    static final String PROVIDER = "provider:SC123456";
    static final String OTHER_PROVIDER = "provider:SC654321";

    private AlertFixtures() {
    }

    /**
     * Escalates every alert now due. One claim takes 100, and the suite shares one database, so other
     * classes' unacknowledged alerts (due under the moved clock) can fill a single claim.
     */
    public static void escalateAllDue(Escalator escalator) {
        for (int i = 0; i < 500 && escalator.escalateDue() > 0; i++) {
            // the next claim
        }
    }

    static String admin() {
        return TestTokens.forAgency(PLACING).roles("admin").subject("admin-1").sign();
    }

    static String practitioner(String agency) {
        return TestTokens.forAgency(agency).roles("practitioner").subject("pr-" + agency).sign();
    }

    public static String provider(String agency) {
        return TestTokens.forAgency(agency).roles("provider").subject("staff-" + agency).sign();
    }

    /** A request as a member of staff of the provider, for safeguarding. */
    public static io.restassured.specification.RequestSpecification asProvider(String agency) {
        return given().auth().oauth2(provider(agency)).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON);
    }

    static String supervisor(String agency, String subject) {
        return TestTokens.forAgency(agency).roles("supervisor").subject(subject).sign();
    }

    /** Removes every subscription (tests share one database). */
    static void clearSubscriptions() {
        try {
            Db.update("DELETE FROM alert_subscription");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Subscribes the agency to the receiver through the admin API; returns the secret shown once. */
    static String subscribe(WebhookReceiver receiver, String agency) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("agency", agency, "url", receiver.url(agency)))
                .when().post("/api/v1/admin/subscriptions")
                .then().statusCode(201).extract().path("secret");
    }

    static Map<String, Object> placementBody(String childValue, LocalDate start, boolean emergency) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", "https://fhir.nhs.uk/Id/nhs-number", "value", childValue));
        body.put("provider", PROVIDER);
        body.put("hostCouncil", HOST_COUNCIL);
        body.put("hostPolice", HOST_POLICE);
        body.put("hostHealth", HOST_HEALTH);
        body.put("homePolice", HOME_POLICE);
        body.put("homeHealth", HOME_HEALTH);
        body.put("school", SCHOOL);
        body.put("rhiService", PLACING);
        body.put("startDate", start.toString());
        body.put("emergency", emergency);
        body.put("identity", Map.of("name", "Child " + childValue, "dateOfBirth", "2011-04-02"));
        body.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        return body;
    }

    static ValidatableResponse plan(Map<String, Object> body) {
        return given().auth().oauth2(practitioner(PLACING)).header("Purpose-Of-Use", "CARE-PLANNING")
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/placements").then();
    }

    /** A placed child: returns its gateway id. */
    public static UUID placedChild() {
        String value = newChildValue();
        String id = plan(placementBody(value, LocalDate.now().plusDays(7), false)).statusCode(201).extract().path("childId");
        return UUID.fromString(id);
    }

    static String newChildValue() {
        return Long.toString(9_000_000_000L + (long) (Math.random() * 999_999_999L));
    }

    /** Verifies a received delivery with the independent Standard Webhooks library; throws when it does not verify. */
    static void verify(String secret, WebhookReceiver.Delivery d) throws Exception {
        new Webhook(secret).verify(d.body(), Map.of(
                "webhook-id", List.of(d.header("webhook-id")),
                "webhook-timestamp", List.of(d.header("webhook-timestamp")),
                "webhook-signature", List.of(d.header("webhook-signature"))));
    }

    static List<WebhookReceiver.Delivery> forChild(List<WebhookReceiver.Delivery> deliveries, UUID childId) {
        return deliveries.stream()
                .filter(d -> childId.toString().equals(d.json().getJsonObject("data").getString("childId")))
                .toList();
    }

    static long alertsFor(UUID childId, String agency, String event) {
        return Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = ?",
                childId, agency, event);
    }
}
