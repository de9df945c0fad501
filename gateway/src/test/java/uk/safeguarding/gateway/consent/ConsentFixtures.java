package uk.safeguarding.gateway.consent;

import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;

/** Records made by other agencies for the authorisation matrix: a consent and an override, once. */
public final class ConsentFixtures {

    private static Map<String, String> world;

    private ConsentFixtures() {
    }

    /** {@code childId}, {@code consent} (recorded by the MASH), {@code override} (requested by police:met). */
    public static synchronized Map<String, String> world() {
        if (world != null) {
            return world;
        }
        String nhs = Fixtures.nhsNumber();
        String referral = ConsentApiTest.refer(nhs);
        String childId = Db.query("SELECT child_id FROM referral WHERE id = ?", UUID.fromString(referral)).get(0)
                .get("child_id").toString();
        String consent = ConsentApiTest.mash().contentType(ContentType.JSON)
                .body(ConsentApiTest.consent(nhs, "deny", "police", "health", "SAFEGUARDING"))
                .when().post("/api/v1/consents").then().statusCode(201).extract().path("id");
        String override = ConsentApiTest.as(ConsentApiTest.POLICE, "pc-matrix", "SAFEGUARDING", "practitioner")
                .contentType(ContentType.JSON).body(overrideBody())
                .when().post("/api/v1/children/" + childId + "/consent-overrides").then().statusCode(201).extract().path("id");
        world = Map.of("childId", childId, "consent", consent, "override", override);
        return world;
    }

    /** A well-formed override request, so a refusal comes from authorisation, not validation. */
    public static String overrideBody() {
        return "{\"categories\":[\"health\"],\"justification\":\"" + ConsentApiTest.JUSTIFICATION
                + "\",\"lawfulBasis\":\"dpa-sch8-p4\"}";
    }
}
