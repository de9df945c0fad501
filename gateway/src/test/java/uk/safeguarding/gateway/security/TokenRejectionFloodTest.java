package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * A flood of bad tokens from one address writes at most the cap plus one summary for its minute, the
 * claimed client id (the sender's choice) counts nothing and appears only as a cut-down label, and the
 * metric counts every refusal. The minute is pinned on {@link TokenRejections}' clock and ended by
 * moving that clock and flushing, not by waiting.
 */
@QuarkusTest
class TokenRejectionFloodTest {

    private static final int CAP = 20;
    private static final Instant MINUTE = Instant.parse("2032-03-04T05:06:00Z");

    @Inject
    TokenRejections rejections;

    @AfterEach
    void backToTheSystemClock() {
        rejections.clock(Clock.systemUTC());
    }

    private static String refuse(String token) {
        return given().header("Authorization", "Bearer " + token).when().get("/api/v1/whoami")
                .then().statusCode(401).extract().header(RequestContext.REQUEST_ID_HEADER);
    }

    private static long individual(List<String> requestIds) {
        return Db.count("SELECT count(*) FROM audit_event WHERE action = 'auth.rejected' AND request_id = ANY (?)",
                (Object) requestIds.toArray(new String[0]));
    }

    @Test
    void aFloodFromOneAddressWritesAtMostTheCapAndOneSummaryWhateverClientItClaims() {
        rejections.clock(Clock.fixed(MINUTE.plusSeconds(5), ZoneOffset.UTC));
        double invalidBefore = metric("TOKEN_INVALID");
        double unknownAgencyBefore = metric("AGENCY_NOT_SIGNATORY");
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // A different claimed client on every request: were it a key, each would get a cap of its own.
            String token = i % 10 == 0 ? TestTokens.forAgency("police:atlantis").clientId("flood-" + i).sign()
                    : TestTokens.forAgency("police:met").clientId("flood-" + i).signedWithForeignKey().sign();
            requestIds.add(refuse(token));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> individual(requestIds) >= CAP);
        rejections.clock(Clock.fixed(MINUTE.plusSeconds(65), ZoneOffset.UTC));
        rejections.flush().await().atMost(Duration.ofSeconds(30));

        String summarySql = """
                SELECT reasons::text AS reasons, source_address, outcome, decision, actor_client, actor_subject
                FROM audit_event WHERE action = 'auth.rejected.suppressed' AND resource_id = ?""";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Db.query(summarySql, MINUTE.toString()).isEmpty());
        assertEquals(CAP, individual(requestIds), "individual records for one address in one minute");
        List<Map<String, Object>> summaries = Db.query(summarySql, MINUTE.toString());
        assertEquals(1, summaries.size(), "one summary for the address and minute");
        Map<String, Object> summary = summaries.get(0);
        assertEquals("127.0.0.1", summary.get("source_address"));
        assertEquals("DENY", summary.get("decision"));
        assertEquals(401, summary.get("outcome"));
        assertNull(summary.get("actor_client"));
        assertNull(summary.get("actor_subject"));
        String reasons = summary.get("reasons").toString();
        assertTrue(reasons.contains("\"suppressed:480\""), reasons);
        // 50 of the 500 named an agency that signs nothing; the first of them was within the cap.
        assertTrue(reasons.contains("\"code:AGENCY_NOT_SIGNATORY=48\"") && reasons.contains("\"code:TOKEN_INVALID=432\""), reasons);

        assertEquals(450, metric("TOKEN_INVALID") - invalidBefore, 0.0, "every refusal is counted by the metric");
        assertEquals(50, metric("AGENCY_NOT_SIGNATORY") - unknownAgencyBefore, 0.0);
    }

    @Test
    void theClaimedClientIdIsOnlyACutDownLabel() {
        rejections.clock(Clock.fixed(MINUTE.plusSeconds(3_600), ZoneOffset.UTC));
        String claimed = "<script>alert('x')</script>" + "y".repeat(300);
        String requestId = refuse(TestTokens.forAgency("police:met").clientId(claimed).subject("attacker-chosen-subject")
                .signedWithForeignKey().sign());
        Map<String, Object> row = TokenRejectionTest.auditedOnce(requestId, "TOKEN_INVALID");
        assertNull(row.get("actor_client"));
        String whole = Db.query("SELECT to_jsonb(e)::text AS row FROM audit_event e WHERE request_id = ?", requestId)
                .get(0).get("row").toString();
        String label = "claimed-client:_script_alert__x____script_" + "y".repeat(ClaimedClient.MAX_LABEL - 27);
        assertTrue(whole.contains("\"" + label + "\""), whole);
        assertFalse(whole.contains("<script>") || whole.contains("y".repeat(ClaimedClient.MAX_LABEL)), "the raw claim is not kept");
        assertFalse(whole.contains("attacker-chosen-subject"), "nothing else from the unverified token is kept");
        assertEquals(0, Db.count("SELECT count(*) FROM audit_event WHERE actor_client LIKE '%script%'"));
    }

    /** The counter's value as /q/metrics publishes it (0 before the first refusal with that code). */
    private static double metric(String code) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^gateway_auth_rejections_total\\{[^}]*code=\"" + code + "\"[^}]*} ([0-9.E+]+)$",
                Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
