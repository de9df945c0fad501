package uk.safeguarding.gateway.referral;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * A referral that committed is acknowledged, whatever happens to the database afterwards. The
 * reliability drill {@code pg-outage} found a referral stored while its client was answered 503: the
 * receipt was read after the commit, and PostgreSQL stopped in between.
 */
@QuarkusTest
class ReceiptAfterCommitTest {

    @Test
    void aCommittedReferralIsAcknowledgedEvenIfItsConnectionFailsRightAfterTheCommit() throws Exception {
        String key = "receipt-after-commit-" + UUID.randomUUID();
        // At COMMIT (a deferred constraint trigger runs after every statement of the transaction) the
        // session's search_path is pointed at a schema that does not exist, so any statement the same
        // connection runs after the commit fails, as when the database goes away at that moment.
        Db.update("CREATE TABLE receipt_probe_session (pid integer)");
        // The trigger runs as the gateway's role, which gets nothing on a table it was not granted.
        Db.update("GRANT INSERT ON receipt_probe_session TO " + EmbeddedDatabase.RUNTIME);
        Db.update("""
                CREATE FUNCTION receipt_probe() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO public.receipt_probe_session VALUES (pg_backend_pid());
                    PERFORM set_config('search_path', 'no_such_schema', false);
                    RETURN NULL;
                END $$""");
        Db.update("CREATE CONSTRAINT TRIGGER receipt_probe AFTER INSERT ON referral DEFERRABLE INITIALLY DEFERRED "
                + "FOR EACH ROW WHEN (NEW.idempotency_key = '" + key + "') EXECUTE FUNCTION receipt_probe()");
        try {
            Response response = given().auth().oauth2(ReferralApiTest.token(ReferralApiTest.POLICE))
                    .header("Purpose-Of-Use", "SAFEGUARDING").header("Idempotency-Key", key)
                    .contentType(ContentType.JSON).body(Fixtures.load("police-cse.json", Fixtures.nhsNumber()))
                    .when().post(ReferralApiTest.REFERRALS);
            assertEquals(1, Db.count("SELECT count(*) FROM receipt_probe_session"), "the probe did not fire");
            assertEquals(201, response.statusCode(), "stored but answered " + response.statusCode() + ": "
                    + response.body().asString());
            String stored = (String) Db.query("SELECT id::text AS id FROM referral WHERE idempotency_key = ?", key)
                    .get(0).get("id");
            assertEquals(stored, response.jsonPath().getString("id"));
            assertEquals(2, response.jsonPath().getList("recipients").size());
        } finally {
            // The poisoned connection must not serve anyone else.
            Db.query("SELECT pg_terminate_backend(pid) FROM receipt_probe_session");
            Db.update("DROP TRIGGER receipt_probe ON referral");
            Db.update("DROP FUNCTION receipt_probe()");
            Db.update("DROP TABLE receipt_probe_session");
        }
    }
}
