package uk.safeguarding.gateway.console;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.audit.dpo.DpoAccess;

/**
 * The DPO's compliance dashboard, in the scope the engine grants ({@link DpoAccess}; {@code ?scope=partnership}
 * for a lead DPO); audited like every DPO page (by the audit safety net).
 */
@Path("/console/dpo/compliance")
@RolesAllowed("dpo")
@NoPurposeRequired
@Produces(MediaType.TEXT_HTML)
public class ComplianceConsole {

    private final Pages pages;
    private final Compliance compliance;
    private final DpoAccess dpo;

    ComplianceConsole(Pages pages, Compliance compliance, DpoAccess dpo) {
        this.pages = pages;
        this.compliance = compliance;
        this.dpo = dpo;
    }

    @GET
    public Uni<Response> dashboard(@QueryParam("scope") String scope) {
        pages.purpose(PurposeOfUse.DPO_REVIEW);
        return dpo.open(DpoAccess.SEARCH, "console.compliance", "Compliance", null, null, scope)
                .chain(compliance::figures)
                .map(f -> Pages.ok(pages.page("dpo-compliance", "/console/dpo/compliance").data("metrics", List.of(
                        new Metric("notices", "Notices sent on time", "Alerts that reached the recipient before the "
                                + "deadline of the protocol duty that required them.", "On time", f.notices()),
                        new Metric("acks", "Acknowledgements within deadline", "Alerts the recipient acknowledged "
                                + "before the duty's deadline.", "Within deadline", f.acknowledgements()),
                        new Metric("interviews", "Return interviews within 72 hours", "Children found after going "
                                + "missing whose return home interview was recorded within 72 hours.", "Within 72 hours",
                                f.returnInterviews()),
                        new Metric("overrides", "Overrides", "Requests that overrode the usual sharing rules "
                                + "(break-glass), by the agency that overrode.", "With an approver", f.overrides())))));
    }

    /** One section of the dashboard. */
    public record Metric(String id, String title, String explain, String metLabel, List<Compliance.Line> lines) {
    }
}
