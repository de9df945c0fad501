package uk.safeguarding.gateway.operations;

import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Counts the 429s, whichever check refused (the per-client limits today; any later one too). */
public class ResponseMeters {

    private final BusinessMeters meters;

    ResponseMeters(BusinessMeters meters) {
        this.meters = meters;
    }

    @ServerResponseFilter
    public void count(ContainerResponseContext response) {
        if (response.getStatus() == 429) {
            meters.rateLimited();
        }
    }
}
