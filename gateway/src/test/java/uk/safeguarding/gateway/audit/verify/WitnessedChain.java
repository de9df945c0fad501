package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import uk.safeguarding.gateway.audit.witness.WitnessServer;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * A fresh witnessed chain per test, copied from a migrated template: entries 1..30 under three
 * witnessed checkpoints (1..10, 11..20, 21..30), then 31..35 sealed but not yet checkpointed (the
 * unwitnessed window). For the tests that attack it as a superuser or the runtime role.
 */
abstract class WitnessedChain {

    private static final Path ROOT = Path.of("target", "witnessed-chain-" + ProcessHandle.current().pid());
    private static final String TEMPLATE = "chain_template";
    private static final AtomicInteger COUNT = new AtomicInteger();
    static EmbeddedDatabase database;

    ScratchChain chain;
    WitnessServer witness;
    Path witnessDir;

    @BeforeAll
    static void startDatabase() throws Exception {
        database = EmbeddedDatabase.start(ROOT.resolve("pg-" + COUNT.incrementAndGet()), 0, false);
        ScratchChain.createTemplate(database, TEMPLATE);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        database.close();
        ScratchChain.deleteTree(ROOT);
    }

    @BeforeEach
    void witnessedHistory() throws Exception {
        int n = COUNT.incrementAndGet();
        witnessDir = ROOT.resolve("witness-" + n);
        witness = ScratchChain.witness(witnessDir);
        chain = ScratchChain.fromTemplate(database, TEMPLATE, "chain_" + n, ScratchChain.pushUrl(witness));
        for (int i = 0; i < 3; i++) {
            chain.checkpointed(10);
        }
        chain.witnessed();
        chain.sealed(5);
        assertEquals(3, witness.store().size());
    }

    @AfterEach
    void stop() throws IOException {
        chain.close();
        witness.close();
    }
}
