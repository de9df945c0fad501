package uk.safeguarding.gateway.audit.dpo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.Engine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.verify.Finding;
import uk.safeguarding.gateway.audit.verify.VerificationJob;
import uk.safeguarding.gateway.audit.verify.VerificationStatus;

/**
 * The console's chain page renders the scheduled verifier's state, intact or not (signed-in pages are
 * otherwise exercised in a browser by ConsoleBrowserIT; this needs none).
 */
@QuarkusTest
class ChainPageTest {

    @Inject
    Engine engine;
    @Inject
    VerificationJob job;

    private String render(VerificationStatus status) {
        return engine.getTemplate("console/dpo-chain").instance().data("section", "/console/dpo/chain").data("errors", List.of())
                .data("status", status).render();
    }

    @Test
    void theStateAsTheJobLeftIt() throws Exception {
        job.incremental();
        VerificationStatus status = job.status();
        String page = render(status);
        assertTrue(page.contains("id=\"verified-seq\">" + status.verifiedSeq() + "<"), page);
        assertTrue(page.contains(status.intact() ? "Intact" : "has been altered"), page);
    }

    @Test
    void anOpenProblemIsShownWithItsPosition() {
        Finding edited = new Finding(Finding.Kind.EDITED, 29L, null, null, "the audit event at entry 29 no longer matches");
        VerificationStatus status = new VerificationStatus(false, 40, "00", Instant.now(), 45, 5, 1, 1, edited, List.of(edited),
                "INCREMENTAL", Instant.now(), 10, 1, null, 0);
        String page = render(status);
        assertTrue(page.contains("The audit trail has been altered"), page);
        assertTrue(page.contains("position 29: EDITED"), page);
        assertTrue(page.contains("id=\"verification-lag\">5 entries"), page);
    }
}
