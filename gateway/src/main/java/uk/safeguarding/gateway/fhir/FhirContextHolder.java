package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.jboss.logging.Logger;

/**
 * The one FhirContext of the process. Building it and the first parse take seconds, so it is
 * warmed on a worker thread at start-up and readiness stays DOWN until that finished.
 */
@ApplicationScoped
public class FhirContextHolder {

    private static final Logger LOG = Logger.getLogger(FhirContextHolder.class);
    private static final String WARM_UP_RESOURCE = "fhir/warm-up-bundle.json";

    /** Outcome of the warm-up, for the readiness check. */
    public record WarmUp(boolean done, long millis, String error) {
        static final WarmUp PENDING = new WarmUp(false, 0, null);
    }

    private final FhirContext context = FhirContext.forR4Cached();
    private final FhirConfig config;
    private final AtomicReference<WarmUp> warmUp = new AtomicReference<>(WarmUp.PENDING);

    FhirContextHolder(FhirConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    FhirContext fhirContext() {
        return context;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.warmUp()) {
            warmUp.set(new WarmUp(true, 0, null));
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(this::warmUp);
    }

    private void warmUp() {
        long started = System.nanoTime();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(WARM_UP_RESOURCE)) {
            if (in == null) {
                throw new IOException(WARM_UP_RESOURCE + " is missing from the classpath");
            }
            IParser parser = context.newJsonParser();
            Bundle bundle = parser.parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            parser.encodeResourceToString(bundle);
            long millis = (System.nanoTime() - started) / 1_000_000;
            warmUp.set(new WarmUp(true, millis, null));
            LOG.infof("FHIR context warmed in %d ms", millis);
        } catch (Exception e) {
            warmUp.set(new WarmUp(false, 0, e.getClass().getSimpleName() + ": " + e.getMessage()));
            LOG.error("FHIR context warm-up failed; readiness stays DOWN", e);
        }
    }

    public WarmUp warmUpState() {
        return warmUp.get();
    }
}
