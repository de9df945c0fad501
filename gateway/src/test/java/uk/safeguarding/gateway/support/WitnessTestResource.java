package uk.safeguarding.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import uk.safeguarding.gateway.alert.WebhookSigner;
import uk.safeguarding.gateway.audit.verify.ScratchChain;
import uk.safeguarding.gateway.audit.witness.WitnessServer;

/**
 * A real witness (bin/audit-witness's server) for the whole test run, configured as the gateway's
 * witness endpoint, so every checkpoint the suite's gateway signs is pushed to it as in production.
 */
public class WitnessTestResource implements QuarkusTestResourceLifecycleManager {

    private static WitnessServer witness;
    private static final String SECRET = WebhookSigner.newSecret();

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (witness == null) {
                witness = new WitnessServer(Path.of("target", "suite-witness-" + ProcessHandle.current().pid()),
                        new InetSocketAddress("127.0.0.1", 0), List.of(SECRET), ScratchChain.trustedKeys());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "gateway.audit.witness.endpoints[0].id", "suite-witness",
                "gateway.audit.witness.endpoints[0].url", "http://127.0.0.1:" + witness.port() + "/checkpoints",
                "gateway.audit.witness.endpoints[0].secret", SECRET);
    }

    /** The suite's witness, for tests that look at what it holds. */
    public static WitnessServer witness() {
        return witness;
    }

    @Override
    public synchronized void stop() {
        // Kept for the rest of the JVM, as the database is.
    }
}
