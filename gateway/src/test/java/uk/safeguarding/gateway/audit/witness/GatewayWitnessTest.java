package uk.safeguarding.gateway.audit.witness;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.CheckpointAge;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WitnessTestResource;

/**
 * The gateway as deployed: the witness endpoint comes from configuration (typed, a list), and a
 * checkpoint the gateway signs reaches the witness, byte for byte as stored, with the metrics the
 * operators' alerts read.
 */
@QuarkusTest
class GatewayWitnessTest {

    @Inject
    AuditSealer sealer;
    @Inject
    AuditCheckpointer checkpointer;
    @Inject
    CheckpointAge checkpointAge;
    @Inject
    MeterRegistry metrics;

    @Test
    void aCheckpointTheGatewaySignsReachesTheConfiguredWitness() throws Exception {
        given().auth().oauth2(TestTokens.police()).when().get("/api/v1/whoami").then().statusCode(200);
        AuditTestSupport.sealAndSign(sealer, checkpointer);
        List<Map<String, Object>> rows = Db.query("SELECT last_seq FROM audit_checkpoint ORDER BY last_seq DESC LIMIT 1");
        long newest = (Long) rows.get(0).get("last_seq");

        WitnessServer witness = WitnessTestResource.witness();
        await().atMost(Duration.ofSeconds(20)).until(() -> WitnessStore.read(witness.store().copyFile()).stream()
                .anyMatch(cp -> cp.lastSeq() == newest));
        Checkpoint witnessed = WitnessStore.read(witness.store().copyFile()).stream().filter(cp -> cp.lastSeq() == newest)
                .findFirst().orElseThrow();
        Map<String, Object> stored = Db.query("SELECT first_seq, root, signature FROM audit_checkpoint WHERE last_seq = ?", newest).get(0);
        assertEquals(stored.get("first_seq"), witnessed.firstSeq());
        assertTrue(java.util.Arrays.equals((byte[]) stored.get("root"), witnessed.root()));
        assertTrue(java.util.Arrays.equals((byte[]) stored.get("signature"), witnessed.signature()));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                metrics.get("gateway.audit.witness.behind").tag("witness", "suite-witness").gauge().value() == 0);
        checkpointAge.refreshNow().await().atMost(Duration.ofSeconds(10));
        double age = metrics.get("gateway.audit.checkpoint.age.seconds").gauge().value();
        assertTrue(age >= 0 && age < 60, "checkpoint age " + age);
        metrics.get("gateway.audit.witness.failures").tag("witness", "suite-witness").counter();
    }
}
