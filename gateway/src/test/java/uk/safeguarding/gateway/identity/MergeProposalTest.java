package uk.safeguarding.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Api;

/**
 * An agency's proposal (review 24 M1, M2): it needs a shared matching key and records which kinds
 * matched, a refused pair cannot be proposed again for 30 days, and the answer tells the proposer
 * nothing about the other agency's child (its identifier systems, whether it is merged).
 */
@QuarkusTest
class MergeProposalTest {

    static final String TH = IdentityMergeTest.TH;
    static final String LANCS = IdentityMergeTest.LANCS;

    @Test
    void aPairSharingNoMatchingKeyIsRefusedAndARefusedPairCoolsDown() {
        IdentityMergeTest.Kid x = IdentityMergeTest.kid(TH, "Fay", "2011-04-02", null);
        IdentityMergeTest.Kid y = IdentityMergeTest.kid(LANCS, "Gus", "2012-06-10", null);
        var unsupported = IdentityMergeTest.propose(TH, x.id(), y.nhs());
        assertEquals(400, unsupported.statusCode(), unsupported.asString());
        assertEquals("application/problem+json", unsupported.contentType().split(";")[0]);
        assertEquals("otherIdentifier", unsupported.path("errors[0].field"));
        assertTrue(unsupported.asString().contains("NO_SHARED_MATCHING_KEY"), unsupported.asString());

        IdentityMergeTest.share(x.id(), y.id());
        var proposed = IdentityMergeTest.propose(TH, x.id(), y.nhs());
        assertEquals(201, proposed.statusCode(), proposed.asString());
        assertEquals(List.of("family-dob"), proposed.jsonPath().getList("reasonKeys"));
        String match = proposed.path("id");
        assertEquals("REFUSED", IdentityMergeTest.step(LANCS, match, "refuse").path("status"));
        var again = IdentityMergeTest.propose(TH, x.id(), y.nhs());
        assertEquals(409, again.statusCode(), again.asString());
        assertEquals("REFUSED_RECENTLY", again.path("code"));
        var reversed = IdentityMergeTest.propose(LANCS, y.id(), x.nhs());
        assertEquals("REFUSED_RECENTLY", reversed.path("code"), "either way round");
    }

    @Test
    void theAnswerSaysNothingOfTheOtherAgencysChildAndItsLinkIsCheckedAtTheMerge() {
        IdentityMergeTest.Kid x = IdentityMergeTest.kid(TH, "Hal", "2011-04-02", null);
        IdentityMergeTest.Kid y = IdentityMergeTest.kid(LANCS, "Ivy", "2012-06-10", null);
        IdentityMergeTest.Kid z = IdentityMergeTest.kid(LANCS, "Ivy", "2012-06-11", null);
        IdentityMergeTest.Kid fresh = IdentityMergeTest.kid(LANCS, "Jo", "2013-01-01", null);
        // Lancashire merges its two records of one child (two people of the council, one a supervisor).
        IdentityMergeTest.share(y.id(), z.id());
        MergeFourEyesTest.onlyHeldBy(LANCS, y.id(), z.id());
        String lancsMatch = IdentityMergeTest.propose(LANCS, y.id(), z.nhs()).path("id");
        assertEquals("PROPOSED", MergeFourEyesTest.confirmAs(LANCS, "lcc-sw", lancsMatch, "practitioner").path("status"));
        assertEquals("MERGED", MergeFourEyesTest.confirmAs(LANCS, "lcc-sup", lancsMatch, "supervisor").path("status"));

        IdentityMergeTest.share(x.id(), y.id());
        IdentityMergeTest.share(x.id(), fresh.id());
        var linked = IdentityMergeTest.propose(TH, x.id(), y.nhs());
        var unlinked = IdentityMergeTest.propose(TH, x.id(), fresh.nhs());
        assertEquals(201, linked.statusCode(), "whether another agency's child is merged is not told: " + linked.asString());
        assertEquals(Api.shape(unlinked), Api.shape(linked));
        assertEquals(List.of(), linked.jsonPath().getList("newChild.identifierSystems"), linked.asString());
        assertFalse(linked.jsonPath().getList("candidate.identifierSystems").isEmpty(), "its own child's systems: " + linked.asString());

        String match = linked.path("id");
        assertEquals("PROPOSED", IdentityMergeTest.step(TH, match, "confirm").path("status"));
        var merge = IdentityMergeTest.step(LANCS, match, "confirm");
        assertEquals(409, merge.statusCode(), merge.asString());
        assertEquals("ALREADY_LINKED", merge.path("code"));
    }
}
