package uk.safeguarding.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import uk.safeguarding.gateway.fhir.FhirContextHolder;

/** Ready only after the shared FHIR context has been warmed, so no request pays the cold parse. */
@Readiness
@ApplicationScoped
public class FhirContextReadiness implements HealthCheck {

    private final FhirContextHolder fhir;

    FhirContextReadiness(FhirContextHolder fhir) {
        this.fhir = fhir;
    }

    @Override
    public HealthCheckResponse call() {
        FhirContextHolder.WarmUp state = fhir.warmUpState();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("fhir-context").status(state.done());
        if (state.done()) {
            builder.withData("warmUpMillis", state.millis());
        } else if (state.error() != null) {
            builder.withData("error", state.error());
        } else {
            builder.withData("state", "warming up");
        }
        return builder.build();
    }
}
