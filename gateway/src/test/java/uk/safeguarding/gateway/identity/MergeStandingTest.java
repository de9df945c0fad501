package uk.safeguarding.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.child.Standing;
import uk.safeguarding.gateway.support.Db;

/**
 * What counts through a merge (review 24 M4): confirmed standing on either row, but an asserted claim
 * only for its own row (only that row's agencies were asked to confirm it); and direct standing, what
 * writes use, never looks through the link.
 */
@QuarkusTest
class MergeStandingTest {

    static final String CLAIMANT = "la:E08000003";

    @Inject
    Relationships relationships;
    @Inject
    Pool pool;

    Standing standing(UUID child, String agency) {
        return relationships.standing(pool, agency, "u-" + agency, child).await().indefinitely();
    }

    @Test
    void anAssertedClaimCountsForItsOwnRowOnlyAndDirectStandingIgnoresTheLink() throws Exception {
        IdentityMergeTest.Kid[] w = MergeWritesTest.merged();
        UUID x = w[0].id();
        UUID y = w[1].id();
        // A third council's pending claim on the first child (as a claim is recorded: asserted, child-wide).
        Db.update("INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact, standing, event, "
                + "asserted_by, asserted_by_subject, rule, scope) SELECT child_id, ?, kind, source_type, source_id, contact, "
                + "'asserted', event, ?, asserted_by_subject, rule, scope FROM relationship WHERE child_id = ? "
                + "AND agency_id = ? AND standing = 'confirmed' AND scope = 'child' LIMIT 1", CLAIMANT, CLAIMANT, x,
                IdentityMergeTest.TH);

        assertEquals(List.of("asserted"), standing(x, CLAIMANT).held().stream().map(Standing.Held::standing).toList());
        assertTrue(standing(y, CLAIMANT).isEmpty(), "the claim on the first row does not reach the linked row");
        // Confirmed standing is read through the link; direct standing is not.
        assertTrue(!standing(y, IdentityMergeTest.TH).isEmpty(), "confirmed standing is read through the merge");
        assertTrue(relationships.directStanding(pool, IdentityMergeTest.TH, "u-" + IdentityMergeTest.TH, y)
                .await().indefinitely().isEmpty(), "direct standing never looks through the link");
    }
}
