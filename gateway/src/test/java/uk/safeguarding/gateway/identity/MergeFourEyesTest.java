package uk.safeguarding.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * A merge is never one agency's word in one request (review 24 H2): a confirmation covers one side; the
 * other side's comes from another agency, or, when one agency alone holds both children, from another
 * person of it with the supervisor or DPO role.
 */
@QuarkusTest
class MergeFourEyesTest {

    static final String TH = IdentityMergeTest.TH;
    static final String LANCS = IdentityMergeTest.LANCS;

    static ExtractableResponse<Response> confirmAs(String agency, String subject, Object match, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(subject).sign())
                .header("Purpose-Of-Use", "SAFEGUARDING").when().post(IdentityMergeTest.URL + "/" + match + "/confirm")
                .then().extract();
    }

    /** Ends every other agency's child-wide relationship with these children (those the referrals reached). */
    static void onlyHeldBy(String agency, java.util.UUID... children) {
        for (java.util.UUID child : children) {
            try {
                Db.update("UPDATE relationship SET ended_at = now() WHERE child_id = ? AND agency_id <> ? AND scope = 'child'",
                        child, agency);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static long links(String match) {
        return Db.count("SELECT count(*) FROM child_link WHERE match_id = ?::uuid AND ended_at IS NULL", match);
    }

    @Test
    void anAgencyHoldingBothChildrenNeedsASecondPersonWithTheSupervisorOrDpoRole() {
        IdentityMergeTest.Kid x = IdentityMergeTest.kid(TH, "Dana", "2011-04-02", null);
        IdentityMergeTest.Kid y = IdentityMergeTest.kid(TH, "Elin", "2012-06-10", null);
        assertEquals("confirmed/child", IdentityMergeTest.standing(y.id(), TH));
        IdentityMergeTest.share(x.id(), y.id());
        // The council alone holds both children: the agencies the referrals reached otherwise step away.
        onlyHeldBy(TH, x.id(), y.id());
        var proposed = IdentityMergeTest.propose(TH, x.id(), y.nhs());
        assertEquals(201, proposed.statusCode(), proposed.asString());
        String match = proposed.path("id");

        // One request confirms one side, though the council holds both.
        var first = confirmAs(TH, "sw-1", match, "practitioner");
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals("PROPOSED", first.path("status"));
        assertEquals(1, (Boolean.TRUE.equals(first.path("newChild.confirmed")) ? 1 : 0)
                + (Boolean.TRUE.equals(first.path("candidate.confirmed")) ? 1 : 0), first.asString());

        // The same person again, another practitioner, or the same person with a supervisor role: refused.
        for (var again : java.util.List.of(confirmAs(TH, "sw-1", match, "practitioner"),
                confirmAs(TH, "sw-2", match, "practitioner"), confirmAs(TH, "sw-1", match, "supervisor"))) {
            assertEquals(403, again.statusCode(), again.asString());
            assertEquals("FOUR_EYES_REQUIRED", again.path("code"));
            assertEquals(0, links(match));
        }
        // Another person of the council with the supervisor role gives the second word.
        var second = confirmAs(TH, "sup-1", match, "supervisor");
        assertEquals("MERGED", second.path("status"), second.asString());
        assertEquals(1, links(match));
    }

    @Test
    void whenAnotherAgencyHoldsTheOtherSideItMustConfirmIt() throws Exception {
        IdentityMergeTest.Kid[] w = IdentityMergeTest.pair(null);
        // The council of the first child also holds the second child confirmed, as Lancashire does.
        Db.update("INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact, standing, event, "
                + "asserted_by, asserted_by_subject, rule, scope) SELECT child_id, ?, kind, source_type, source_id, contact, "
                + "standing, event, asserted_by, asserted_by_subject, rule, scope FROM relationship WHERE child_id = ? "
                + "AND agency_id = ? AND standing = 'confirmed' AND scope = 'child' LIMIT 1", TH, w[1].id(), LANCS);
        assertEquals("confirmed/child", IdentityMergeTest.standing(w[1].id(), TH));
        String match = IdentityMergeTest.propose(TH, w[0].id(), w[1].nhs()).path("id");
        assertEquals("PROPOSED", confirmAs(TH, "sw-1", match, "practitioner").path("status"));
        var own = confirmAs(TH, "sup-1", match, "supervisor");
        assertEquals(409, own.statusCode(), own.asString());
        assertEquals("SECOND_AGENCY_REQUIRED", own.path("code"));
        assertEquals(0, links(match));
        var lancs = confirmAs(LANCS, "lcc-1", match, "practitioner");
        assertEquals("MERGED", lancs.path("status"), lancs.asString());
    }
}
