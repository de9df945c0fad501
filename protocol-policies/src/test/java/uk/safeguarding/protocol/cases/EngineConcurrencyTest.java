package uk.safeguarding.protocol.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.load.ProtocolLoader;

/** One engine shared by many threads gives each request the same decision it gets alone. */
class EngineConcurrencyTest {

    @Test
    void concurrentDecisionsEqualSequentialOnes() throws Exception {
        PolicyEngine engine = new PolicyEngine(ProtocolLoader.loadShipped(LocalDate.of(2026, 3, 10)));
        List<CaseFile> cases = ProtocolCasesTest.allCases();
        List<Decision> expected = new ArrayList<>();
        cases.forEach(c -> expected.add(engine.decide(c.request())));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Decision>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int offset = t;
                Callable<List<Decision>> job = () -> {
                    Decision[] got = new Decision[cases.size()];
                    for (int round = 0; round < 200; round++) {
                        for (int i = 0; i < cases.size(); i++) {
                            int k = (i + offset * 17 + round) % cases.size();
                            got[k] = engine.decide(cases.get(k).request());
                        }
                    }
                    return List.of(got);
                };
                futures.add(pool.submit(job));
            }
            for (Future<List<Decision>> f : futures) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
