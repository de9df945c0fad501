package uk.safeguarding.gateway.audit.dpo;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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

/**
 * Disclosure reports for subject access requests: by the child's internal id, or by an identifier
 * ({@code ?child=system|value}). JSON for the DPO, printable HTML for the requester
 * ({@code Accept: text/html} or {@code ?format=html}). Only disclosures in the DPO's scope (to their
 * agency, or of its information); a child with none answers exactly as a child that does not exist.
 */
@Tag(name = "Audit", description = "The DPO's API: audit search and export, verification, disclosure reports, anomaly flags; within the DPO's scope, decided by the dpo-oversight protocol.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/audit")
@RolesAllowed("dpo")
public class DisclosureResource {

    private static final Set<String> REQUESTERS = Set.of("child", "parent", "representative");

    /** Who asked, and how the report is cut and shown. */
    public static class ReportParams {
        /** child (the data subject), parent (someone with parental responsibility) or representative. */
        @QueryParam("requester") String requester;
        /** true: withhold child abuse data under DPA 2018 Sch 3 Part 5; only for requester=parent. */
        @QueryParam("withholdChildAbuseData") String withholdChildAbuseData;
        @QueryParam("from") String from;
        @QueryParam("to") String to;
        /** json or html; overrides the Accept header. */
        @QueryParam("format") String format;
        /** own (default) or partnership (a lead DPO's view, for DPO-REVIEW only). */
        @QueryParam("scope") String scope;
    }

    /** The parameters the console sends: who asked, and json (to show) or html (the printable copy). */
    static ReportParams params(String requester, String format) {
        ReportParams p = new ReportParams();
        p.requester = requester == null || requester.isBlank() ? null : requester;
        p.format = format;
        return p;
    }

    private record Parsed(String requester, boolean withhold, Instant from, Instant to, boolean html) {
    }

    private final AuditQueries queries;
    private final AuditConfig config;
    private final RequestContext context;
    private final DpoAccess dpo;

    DisclosureResource(AuditQueries queries, AuditConfig config, RequestContext context, DpoAccess dpo) {
        this.queries = queries;
        this.config = config;
        this.context = context;
        this.dpo = dpo;
    }

    @Operation(summary = "Disclosure report for a subject access request, by the child's gateway id",
        description = "Every disclosure of the child's information in the DPO's scope between from and to, cut for the requester (child, parent, representative; withholdChildAbuseData for a parent). JSON, or printable HTML with Accept: text/html or format=html. A child with no disclosure in scope answers 404 like an unknown one.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The disclosure report: JSON, or printable HTML for the requester.", content = {
        @Content(mediaType = "application/json", schema = @Schema(implementation = DisclosureReport.class)),
        @Content(mediaType = "text/html", schema = @Schema(type = SchemaType.STRING))})
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/children/{childId}/disclosures")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Uni<Response> byChildId(@PathParam("childId") String childId, @BeanParam ReportParams params,
            @Context HttpHeaders headers) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID id = AuditFilter.uuid(childId, "childId", errors);
        Parsed parsed = parse(params, headers, errors);
        // The id is recorded as given: a real child out of scope and a random id leave the same record.
        return dpo.open(DpoAccess.EXPORT, "audit.disclosures", "Child", childId, id, params.scope)
                .chain(scope -> queries.knows(id, scope).chain(known -> {
                    if (!known) {
                        throw ApiException.notFound();
                    }
                    return report(id, parsed, scope);
                }));
    }

    @Operation(summary = "Disclosure report for a subject access request, by the child's identifier",
        description = "child=system|value (e.g. https://fhir.nhs.uk/Id/nhs-number|9990000018); otherwise as the report by id.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The disclosure report: JSON, or printable HTML for the requester.", content = {
        @Content(mediaType = "application/json", schema = @Schema(implementation = DisclosureReport.class)),
        @Content(mediaType = "text/html", schema = @Schema(type = SchemaType.STRING))})
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/disclosures")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Uni<Response> byIdentifier(@QueryParam("child") String child, @BeanParam ReportParams params,
            @Context HttpHeaders headers) {
        List<Problem.FieldError> errors = new ArrayList<>();
        int bar = child == null ? -1 : child.indexOf('|');
        if (bar <= 0 || bar == child.length() - 1) {
            errors.add(AuditFilter.error("child", "IDENTIFIER_FORMAT",
                    "Give the child's identifier as system|value, e.g. https://fhir.nhs.uk/Id/nhs-number|9434765919."));
        }
        Parsed parsed = parse(params, headers, errors);
        return dpo.open(DpoAccess.EXPORT, "audit.disclosures", "Child", null, null, params.scope)
                .chain(scope -> queries.childInScope(child.substring(0, bar), child.substring(bar + 1), scope).chain(id -> {
                    if (id.isEmpty()) {
                        throw ApiException.notFound();
                    }
                    // Named in the record only once it is in scope, or the DPO's own record would be an oracle.
                    context.describe("audit.disclosures", "Child", id.get().toString(), id.get());
                    return report(id.get(), parsed, scope);
                }));
    }

    private Uni<Response> report(UUID childId, Parsed parsed, DpoScope scope) {
        int max = config.api().maxExportSize();
        return queries.disclosures(childId, parsed.from(), parsed.to(), max, scope).map(entries -> {
            DisclosureReport report = DisclosureReport.build(childId, parsed.from(), parsed.to(), parsed.requester(),
                    parsed.withhold(), config.disclosure().childAbuseCategories(), entries, max);
            return parsed.html()
                    ? Response.ok(DisclosureHtml.render(report), MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).build()
                    : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    private static Parsed parse(ReportParams p, HttpHeaders headers, List<Problem.FieldError> errors) {
        String requester = AuditFilter.present(p.requester) ? p.requester : "child";
        if (!REQUESTERS.contains(requester)) {
            errors.add(AuditFilter.error("requester", "UNKNOWN_REQUESTER", "requester must be child, parent or representative."));
        }
        boolean withhold = false;
        if (AuditFilter.present(p.withholdChildAbuseData)) {
            if (!p.withholdChildAbuseData.equals("true") && !p.withholdChildAbuseData.equals("false")) {
                errors.add(AuditFilter.error("withholdChildAbuseData", "NOT_BOOLEAN", "withholdChildAbuseData must be true or false."));
            } else {
                withhold = Boolean.parseBoolean(p.withholdChildAbuseData);
            }
        }
        if (withhold && !"parent".equals(requester)) {
            errors.add(AuditFilter.error("withholdChildAbuseData", "PARENT_REQUEST_ONLY", "DPA 2018 Sch 3 Part 5 "
                    + "withholding applies to a request by a person with parental responsibility: use requester=parent."));
        }
        Instant from = AuditFilter.time(p.from, "from", errors);
        Instant to = AuditFilter.time(p.to, "to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(AuditFilter.error("to", "EMPTY_RANGE", "to must be later than from."));
        }
        boolean html;
        if (AuditFilter.present(p.format)) {
            if (!p.format.equals("json") && !p.format.equals("html")) {
                errors.add(AuditFilter.error("format", "UNKNOWN_FORMAT", "format must be json or html."));
            }
            html = p.format.equals("html");
        } else {
            html = prefersHtml(headers);
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_REPORT_REQUEST", "The report request is invalid; see errors.", errors);
        }
        return new Parsed(requester, withhold, from, to, html);
    }

    private static boolean prefersHtml(HttpHeaders headers) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isCompatible(MediaType.TEXT_HTML_TYPE) && !type.isWildcardType()) {
                return true;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.isWildcardType()) {
                return false;
            }
        }
        return false;
    }
}
