package uk.safeguarding.gateway.audit.dpo;

import ca.uhn.fhir.context.FhirContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.RequestContext;

/** The DPO's search over the audit trail, and its export as FHIR AuditEvents or CSV. */
@Tag(name = "Audit", description = "The DPO's API: audit search and export, verification, disclosure reports, anomaly flags; within the DPO's scope, decided by the dpo-oversight protocol.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/audit")
@RolesAllowed("dpo")
public class AuditSearchResource {

    static final String FHIR_JSON = "application/fhir+json";
    static final String CSV = "text/csv";

    /** The filters shared by search and export. */
    public static class FilterParams {
        @QueryParam("child") String child;
        @QueryParam("childId") String childId;
        @QueryParam("agency") String agency;
        @QueryParam("user") String user;
        @QueryParam("purpose") String purpose;
        @QueryParam("decision") String decision;
        @QueryParam("override") String override;
        @QueryParam("from") String from;
        @QueryParam("to") String to;
        @QueryParam("limit") String limit;
        @QueryParam("cursor") String cursor;
        /** own (default) or partnership: a lead DPO's partnership-wide view, itself flagged. */
        @QueryParam("scope") String scope;

        AuditFilter.Raw raw() {
            AuditFilter.Raw raw = new AuditFilter.Raw();
            raw.child = child;
            raw.childId = childId;
            raw.agency = agency;
            raw.user = user;
            raw.purpose = purpose;
            raw.decision = decision;
            raw.override = override;
            raw.from = from;
            raw.to = to;
            raw.limit = limit;
            raw.cursor = cursor;
            return raw;
        }
    }

    private final AuditQueries queries;
    private final AuditConfig config;
    private final RequestContext context;
    private final FhirContext fhir;
    private final DpoAccess dpo;

    AuditSearchResource(AuditQueries queries, AuditConfig config, RequestContext context, FhirContext fhir, DpoAccess dpo) {
        this.queries = queries;
        this.config = config;
        this.context = context;
        this.fhir = fhir;
        this.dpo = dpo;
    }

    /**
     * Audit records, newest first, filtered by child identifier ({@code system|value}) or id, agency,
     * user (token subject), purpose, decision, override, and a time range [from, to); always within the
     * DPO's scope (their agency's actions and disclosures of its information, or the partnership's).
     */
    @Operation(summary = "Search the audit trail",
        description = "Newest first, filtered by child (system|value) or childId, agency, user (token subject), purpose, decision, override and a time range [from, to); always within the DPO's scope (their agency's actions and disclosures of its information, or a lead DPO's partnership). Paged by cursor.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "A page of audit records and the next cursor.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = AuditQueries.Page.class)))
    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<AuditQueries.Page> search(@BeanParam FilterParams params) {
        AuditFilter filter = AuditFilter.parse(params.raw(), 50, config.api().maxPageSize());
        return dpo.open(DpoAccess.SEARCH, "audit.search", "AuditEvent", null, filter.childId(), params.scope)
                .chain(scope -> page(filter, scope));
    }

    /** The page in scope; a child named by identifier is resolved (and recorded) only within the scope. */
    private Uni<AuditQueries.Page> page(AuditFilter filter, DpoScope scope) {
        return queries.resolve(filter, scope).chain(resolved -> resolved.isEmpty()
                ? Uni.createFrom().item(new AuditQueries.Page(List.of(), null))
                : queries.search(resolved.get(), scope).invoke(page -> describeChild(resolved)));
    }

    /**
     * The same records as a FHIR R4 searchset Bundle of AuditEvent (IHE BALP shape), as CSV, or as the
     * search's JSON page; pages follow the {@code next} link (FHIR) or the {@code Link} header (all).
     */
    @Operation(summary = "Export audit records as FHIR AuditEvents, CSV or JSON",
        description = "format=fhir (default: a searchset Bundle of AuditEvent, IHE BALP shape), csv or json; the search's filters; pages follow the next link (FHIR) or the Link header.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "A page of records in the format asked for.", content = {
        @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")),
        @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING)),
        @Content(mediaType = "application/json", schema = @Schema(implementation = AuditQueries.Page.class))})
    @GET
    @Path("/export")
    @Produces({FHIR_JSON, CSV, MediaType.APPLICATION_JSON})
    public Uni<Response> export(@QueryParam("format") String format, @BeanParam FilterParams params,
            @Context UriInfo uri) {
        String chosen = format == null || format.isBlank() ? "fhir" : format;
        if (!chosen.equals("fhir") && !chosen.equals("csv") && !chosen.equals("json")) {
            throw new ApiException(400, "INVALID_FILTER", "format must be fhir, csv or json.",
                    List.of(new Problem.FieldError("format", "UNKNOWN_FORMAT", "format must be fhir, csv or json.")));
        }
        AuditFilter filter = AuditFilter.parse(params.raw(), 1000, config.api().maxExportSize());
        return dpo.open(DpoAccess.EXPORT, "audit.export." + chosen, "AuditEvent", null, filter.childId(), params.scope)
                .chain(scope -> page(filter, scope))
                // HAPI encoding of up to max-export-size resources is CPU work: never on the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(page -> {
                    String self = uri.getRequestUri().toString();
                    String next = page.nextCursor() == null ? null
                            : uri.getRequestUriBuilder().replaceQueryParam("cursor", page.nextCursor()).build().toString();
                    Response.ResponseBuilder response = chosen.equals("csv")
                            ? Response.ok(AuditCsv.write(page.items()), CSV + "; charset=utf-8")
                                    .header("Content-Disposition", "attachment; filename=\"audit-export.csv\"")
                            : chosen.equals("json") ? Response.ok(page, MediaType.APPLICATION_JSON_TYPE)
                            : Response.ok(fhir.newJsonParser().encodeResourceToString(
                                    FhirAuditEvents.bundle(page.items(), self, next)), FHIR_JSON + "; charset=utf-8");
                    if (next != null) {
                        response.header("Link", "<" + next + ">; rel=\"next\"");
                    }
                    return response.build();
                });
    }

    /** A search by identifier is recorded against the child it resolved to. */
    private void describeChild(Optional<AuditFilter> resolved) {
        resolved.map(AuditFilter::childId).ifPresent(id -> context.describe(context.action().orElse("audit.search"),
                "AuditEvent", null, id));
    }
}
