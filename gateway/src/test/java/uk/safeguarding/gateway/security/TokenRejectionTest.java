package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Every way a token can be wrong, one test each: each is a 401 problem with a stable code, written to
 * the audit trail exactly once (action {@code auth.rejected}, the code, the source address, no actor,
 * because none was established), and nothing else is written. Each test has a minute of its own on
 * {@link TokenRejections}' clock, so the per-address cap of other tests' refusals never hides one.
 */
@QuarkusTest
class TokenRejectionTest {

    /** A route that needs a purpose and discloses nothing, so only the token decides. */
    private static final String PATH = "/api/v1/whoami";
    private static final Instant FIRST_MINUTE = Instant.parse("2031-01-01T00:00:30Z");
    private static final AtomicLong MINUTES = new AtomicLong();

    @Inject
    TokenRejections rejections;

    private long otherRowsBefore;

    @BeforeEach
    void aMinuteOfItsOwn() {
        rejections.clock(Clock.fixed(FIRST_MINUTE.plusSeconds(60 * MINUTES.incrementAndGet()), ZoneOffset.UTC));
        otherRowsBefore = otherRows();
    }

    @AfterEach
    void nothingElseWritten() {
        rejections.clock(Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC));
        rejections.flush().await().atMost(Duration.ofSeconds(30));
        rejections.clock(Clock.systemUTC());
        assertEquals(otherRowsBefore, otherRows(), "a rejected token wrote audit rows other than its refusal");
    }

    private static long otherRows() {
        return Db.count("SELECT count(*) FROM audit_event WHERE action NOT LIKE 'auth.rejected%'");
    }

    private static RequestSpecification withBearer(String token) {
        return given().header("Authorization", "Bearer " + token).header(PurposeOfUse.HEADER, "SAFEGUARDING");
    }

    private static void rejected(String token, String code) {
        String requestId = withBearer(token).when().get(PATH).then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""))
                .body("code", equalTo(code))
                .body("errors[0].field", equalTo("Authorization"))
                .extract().header(RequestContext.REQUEST_ID_HEADER);
        auditedOnce(requestId, code);
    }

    /** The refusal's one audit record: what was refused, from where, and no actor. */
    static Map<String, Object> auditedOnce(String requestId, String code) {
        String sql = """
                SELECT action, decision, outcome, denial_code, source_address, actor_subject, actor_client, actor_agency,
                       actor_kind, resource_id FROM audit_event WHERE request_id = ?""";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Db.query(sql, requestId).isEmpty());
        List<Map<String, Object>> rows = Db.query(sql, requestId);
        assertEquals(1, rows.size(), "one audit record for refused request " + requestId);
        Map<String, Object> row = rows.get(0);
        assertEquals("auth.rejected", row.get("action"));
        assertEquals("DENY", row.get("decision"));
        assertEquals(401, row.get("outcome"));
        assertEquals(code, row.get("denial_code"));
        assertEquals("127.0.0.1", row.get("source_address"));
        assertEquals("GET " + PATH, row.get("resource_id"));
        for (String actorColumn : List.of("actor_subject", "actor_client", "actor_agency", "actor_kind")) {
            assertNull(row.get(actorColumn), actorColumn + " of a refused request");
        }
        return row;
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String payloadOf(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    void noTokenIs401() {
        String requestId = given().header(PurposeOfUse.HEADER, "SAFEGUARDING").when().get(PATH).then()
                .statusCode(401).contentType("application/problem+json").body("code", equalTo("TOKEN_REQUIRED"))
                .extract().header(RequestContext.REQUEST_ID_HEADER);
        auditedOnce(requestId, "TOKEN_REQUIRED");
    }

    @Test
    void malformedTokenIs401() {
        rejected("not-a-jwt", "TOKEN_INVALID");
        rejected("a.b.c", "TOKEN_INVALID");
    }

    @Test
    void algNoneIs401() {
        String payload = payloadOf(TestTokens.police());
        rejected(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".", "TOKEN_INVALID");
    }

    @Test
    void hs256SignedWithTheRealmPublicKeyIs401() throws Exception {
        // The classic algorithm-confusion attack: HMAC keyed with the public key's PEM text.
        String publicPem;
        try (var in = getClass().getClassLoader().getResourceAsStream("test-keys/publicKey.pem")) {
            publicPem = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"test-key\"}") + "."
                + b64(payloadOf(TestTokens.police()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(publicPem.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        rejected(signingInput + "." + signature, "TOKEN_INVALID");
    }

    @Test
    void unknownKeyIdIs401() {
        rejected(TestTokens.forAgency("police:met").keyId("no-such-key").signedWithForeignKey().sign(), "TOKEN_INVALID");
    }

    @Test
    void signedWithAnotherKeyUnderTheRealmKeyIdIs401() {
        rejected(TestTokens.forAgency("police:met").signedWithForeignKey().sign(), "TOKEN_INVALID");
    }

    @Test
    void expiredIs401() {
        rejected(TestTokens.forAgency("police:met").expiredSecondsAgo(120).sign(), "TOKEN_INVALID");
    }

    @Test
    void notBeforeInTheFutureIs401() {
        rejected(TestTokens.forAgency("police:met").notBeforeInSeconds(600).sign(), "TOKEN_INVALID");
    }

    @Test
    void wrongIssuerIs401() {
        rejected(TestTokens.forAgency("police:met").issuer("https://issuer.test/realms/other").sign(), "TOKEN_INVALID");
    }

    @Test
    void wrongAudienceIs401() {
        rejected(TestTokens.forAgency("police:met").audience("account").sign(), "TOKEN_INVALID");
    }

    @Test
    void tamperedPayloadIs401() {
        String[] parts = TestTokens.police().split("\\.");
        String forged = payloadOf(TestTokens.police()).replace("police:met", "la:E09000030");
        rejected(parts[0] + "." + b64(forged) + "." + parts[2], "TOKEN_INVALID");
    }

    @Test
    void missingAgencyClaimIs401() {
        rejected(TestTokens.forAgency("police:met").withoutAgency().sign(), "AGENCY_CLAIM_MISSING");
    }

    @Test
    void unknownAgencyIs401() {
        rejected(TestTokens.forAgency("police:atlantis").sign(), "AGENCY_NOT_SIGNATORY");
    }
}
