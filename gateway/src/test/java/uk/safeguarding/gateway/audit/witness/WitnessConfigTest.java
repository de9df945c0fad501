package uk.safeguarding.gateway.audit.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditConfig;

/** Witnesses are a typed list in configuration; none configured is an empty list, not a start-up failure. */
class WitnessConfigTest {

    private static AuditConfig.Witness witness(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(AuditConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return config.getConfigMapping(AuditConfig.class).witness();
    }

    @Test
    void noWitnessesIsAnEmptyList() {
        assertTrue(witness(Map.of()).endpoints().isEmpty());
        assertEquals(1000, witness(Map.of()).queueCapacity());
    }

    @Test
    void eachWitnessHasItsIdUrlAndSecret() {
        var endpoints = witness(Map.of(
                "gateway.audit.witness.endpoints[0].id", "dpo-towerhamlets",
                "gateway.audit.witness.endpoints[0].url", "https://dpo.towerhamlets.example/audit-witness/checkpoints",
                "gateway.audit.witness.endpoints[0].secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "gateway.audit.witness.endpoints[1].id", "dpo-met",
                "gateway.audit.witness.endpoints[1].url", "https://dpo.met.example/checkpoints",
                "gateway.audit.witness.endpoints[1].secret", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")).endpoints();
        assertEquals(2, endpoints.size());
        assertEquals("dpo-met", endpoints.get(1).id());
        assertEquals("dpo.towerhamlets.example", endpoints.get(0).url().getHost());
    }
}
