package uk.safeguarding.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.problem.ApiException;

/** Large bodies take turns; small ones are not held up by them; a body that cannot get its turn is a 503. */
class ParseBudgetTest {

    private static final int KIB = 1024;

    @Test
    void aLargeBodyWaitsWhileTheBudgetIsTakenThenAnswers503WithRetryAfter() throws Exception {
        ParseBudget budget = new ParseBudget(1024, 200);
        CountDownLatch parsing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = other.submit(() -> budget.within(800 * KIB, "Bundle", () -> {
                parsing.countDown();
                await(finish);
                return "first";
            }));
            parsing.await(10, TimeUnit.SECONDS);
            ApiException busy = assertThrows(ApiException.class, () -> budget.within(600 * KIB, "Bundle", () -> "second"));
            assertEquals(503, busy.status());
            assertEquals("FHIR_PARSE_BUSY", busy.code());
            assertEquals(1, busy.retryAfterSeconds());
            // A referral-sized body fits beside the large one.
            assertEquals("small", budget.within(3 * KIB, "Bundle", () -> "small"));
            finish.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            assertEquals("second", budget.within(600 * KIB, "Bundle", () -> "second"));
            assertEquals(1024, budget.available(), "every share is given back, after failures too");
        } finally {
            finish.countDown();
            other.shutdownNow();
        }
    }

    @Test
    void aBodyLargerThanTheWholeBudgetStillGetsItAlone() {
        ParseBudget budget = new ParseBudget(16, 0);
        assertEquals("ok", budget.within(64 * KIB, "Bundle", () -> "ok"));
        assertEquals(16, budget.available());
    }

    @Test
    void aFailingParseGivesItsShareBack() {
        ParseBudget budget = new ParseBudget(16, 0);
        assertThrows(IllegalStateException.class, () -> budget.within(8 * KIB, "Bundle", () -> {
            throw new IllegalStateException("bad body");
        }));
        assertEquals(16, budget.available());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
