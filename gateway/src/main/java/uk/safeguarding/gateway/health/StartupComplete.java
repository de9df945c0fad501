package uk.safeguarding.gateway.health;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;
import uk.safeguarding.gateway.fhir.FhirContextHolder;
import uk.safeguarding.gateway.policy.PolicyService;

/**
 * The startup probe's check: up only once the application has started (Flyway's migrations ran
 * before the start event), the protocols are loaded and linted, and the FHIR context is warm. Without
 * it /q/health/started answers UP as soon as the port opens, and Kubernetes would begin liveness
 * checks (and restarts) on a replica still migrating or warming.
 */
@Startup
@ApplicationScoped
public class StartupComplete implements HealthCheck {

    private final FhirContextHolder fhir;
    private final PolicyService policy;
    private volatile boolean started;

    StartupComplete(FhirContextHolder fhir, PolicyService policy) {
        this.fhir = fhir;
        this.policy = policy;
    }

    void onStart(@Observes StartupEvent event) {
        started = true;
    }

    @Override
    public HealthCheckResponse call() {
        int protocols = policy.shippedProtocols().protocols().size();
        FhirContextHolder.WarmUp warm = fhir.warmUpState();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("gateway-started")
                .status(started && protocols > 0 && warm.done())
                .withData("applicationStarted", started)
                .withData("protocolsLoaded", protocols)
                .withData("fhirContextWarm", warm.done());
        if (warm.error() != null) {
            builder.withData("fhirError", warm.error());
        }
        return builder.build();
    }
}
