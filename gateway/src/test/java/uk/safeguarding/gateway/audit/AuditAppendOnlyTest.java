package uk.safeguarding.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

@QuarkusTest
class AuditAppendOnlyTest {

    private String auditedRequest() {
        String requestId = "append-only-" + System.nanoTime();
        given().auth().oauth2(TestTokens.police()).header("X-Request-Id", requestId)
                .when().get("/api/v1/whoami").then().statusCode(200).header("X-Request-Id", requestId);
        return requestId;
    }

    @Test
    void everyApiRequestLeavesAnAuditRecordWithItsActor() {
        String requestId = auditedRequest();
        Map<String, Object> row = Db.query("SELECT actor_agency, outcome, decision, action FROM audit_event WHERE request_id = ?",
                requestId).get(0);
        assertEquals("police:met", row.get("actor_agency"));
        assertEquals(200, row.get("outcome"));
        assertEquals("NONE", row.get("decision"));
        assertTrue(row.get("action").toString().contains("WhoAmIResource"), row.toString());
    }

    @Test
    void updatingAnAuditRecordIsRefusedByTheDatabase() {
        String requestId = auditedRequest();
        SQLException refused = assertThrows(SQLException.class,
                () -> Db.update("UPDATE audit_event SET outcome = 500 WHERE request_id = ?", requestId));
        assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        assertEquals(200, Db.query("SELECT outcome FROM audit_event WHERE request_id = ?", requestId).get(0).get("outcome"));
    }

    @Test
    void deletingAnAuditRecordIsRefusedByTheDatabase() {
        String requestId = auditedRequest();
        assertThrows(SQLException.class, () -> Db.update("DELETE FROM audit_event WHERE request_id = ?", requestId));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE request_id = ?", requestId));
    }

    @Test
    void truncatingTheAuditTableIsRefused() {
        auditedRequest();
        assertThrows(SQLException.class, () -> Db.update("TRUNCATE audit_event"));
        assertTrue(Db.count("SELECT count(*) FROM audit_event") > 0);
    }

    @Test
    void aHostileRequestIdIsReplacedNotEchoed() {
        String echoed = given().auth().oauth2(TestTokens.police()).header("X-Request-Id", "abc\u001b[31mdef")
                .when().get("/api/v1/whoami").then().statusCode(200).extract().header("X-Request-Id");
        assertTrue(echoed.matches("[0-9a-f-]{36}"), echoed);
    }
}
