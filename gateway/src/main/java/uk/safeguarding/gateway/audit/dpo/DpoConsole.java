package uk.safeguarding.gateway.audit.dpo;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uk.safeguarding.gateway.audit.anomaly.AnomalyResource;
import uk.safeguarding.gateway.audit.verify.VerificationStatus;
import uk.safeguarding.gateway.console.Pages;
import uk.safeguarding.gateway.limits.StorableText;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;

/**
 * The DPO's console pages. Each page calls the DPO API's own resource methods (same validation,
 * same role and purpose rule, same audit record), with the purpose DPO-REVIEW the pages imply; this
 * class only turns their answers into pages and their 400s into error summaries.
 */
@Path("/console/dpo")
@RolesAllowed("dpo")
@NoPurposeRequired
@Produces(MediaType.TEXT_HTML)
public class DpoConsole {

    private final Pages pages;
    private final AuditSearchResource search;
    private final DisclosureResource disclosures;
    private final AuditVerifyResource verifier;
    private final AnomalyResource anomalies;

    DpoConsole(Pages pages, AuditSearchResource search, DisclosureResource disclosures, AuditVerifyResource verifier,
            AnomalyResource anomalies) {
        this.pages = pages;
        this.search = search;
        this.disclosures = disclosures;
        this.verifier = verifier;
        this.anomalies = anomalies;
    }

    @GET
    @Path("/audit")
    public Uni<Response> audit(@BeanParam AuditSearchResource.FilterParams params) {
        pages.purpose(PurposeOfUse.DPO_REVIEW);
        var page = pages.page("dpo-audit", "/console/dpo/audit").data("f", formValues(params)).data("purposes", PurposeOfUse.values())
                .data("decisions", List.of("PERMIT", "DENY", "ERROR", "NONE"));
        boolean searched = params.child != null || params.childId != null || params.agency != null || params.user != null
                || params.purpose != null || params.decision != null || params.from != null || params.to != null;
        if (!searched) {
            return Uni.createFrom().item(Pages.ok(page.data("searched", false)));
        }
        blankToNull(params);
        params.limit = "20";
        return Uni.createFrom().deferred(() -> search.search(params))
                .map(result -> Pages.ok(page.data("searched", true).data("results", result.items())
                        .data("next", result.nextCursor() == null ? null : nextLink(params, result.nextCursor()))))
                .onFailure(DpoConsole::invalidRequest)
                .recoverWithItem(e -> Pages.invalid(page.data("searched", false), ((ApiException) e).errors()));
    }

    @GET
    @Path("/disclosures")
    public Uni<Response> disclosureForm(@QueryParam("child") String child, @QueryParam("requester") String requester,
            @Context HttpHeaders headers) {
        pages.purpose(PurposeOfUse.SAR);
        var page = pages.page("dpo-disclosures", "/console/dpo/disclosures").data("child", child)
                .data("childEncoded", child == null ? "" : enc(child.trim()))
                .data("requester", requester == null ? "child" : requester);
        if (child == null) {
            return Uni.createFrom().item(Pages.ok(page.data("report", null)));
        }
        return Uni.createFrom().deferred(() -> disclosures.byIdentifier(child.trim(), DisclosureResource.params(requester, "json"), headers))
                .map(response -> Pages.ok(page.data("report", (DisclosureReport) response.getEntity())))
                .onFailure(DpoConsole::invalidRequest)
                .recoverWithItem(e -> Pages.invalid(page.data("report", null), ((ApiException) e).errors()));
    }

    /** The requester's printable copy, as the DPO API renders it, saved as a file. */
    @GET
    @Path("/disclosures/download")
    public Uni<Response> disclosureDownload(@QueryParam("child") String child, @QueryParam("requester") String requester,
            @Context HttpHeaders headers) {
        pages.purpose(PurposeOfUse.SAR);
        return disclosures.byIdentifier(child == null ? null : child.trim(), DisclosureResource.params(requester, "html"), headers)
                .map(response -> Response.fromResponse(response)
                        .header("Content-Disposition", "attachment; filename=\"disclosure-report.html\"").build());
    }

    @GET
    @Path("/chain")
    public Response chain() throws java.sql.SQLException {
        pages.purpose(PurposeOfUse.DPO_REVIEW);
        VerificationStatus status = verifier.status();
        return Pages.ok(pages.page("dpo-chain", "/console/dpo/chain").data("status", status));
    }

    @GET
    @Path("/anomalies")
    public Uni<Response> anomalyQueue(@QueryParam("status") String status, @QueryParam("resolved") String resolved,
            @QueryParam("scope") String scope) {
        pages.purpose(PurposeOfUse.DPO_REVIEW);
        String chosen = "RESOLVED".equals(status) || "ALL".equals(status) ? status : "OPEN";
        return anomalies.list(chosen, null, null, "200", scope).map(list -> Pages.ok(pages.page("dpo-anomalies", "/console/dpo/anomalies")
                .data("anomalies", list).data("status", chosen).data("q", query(scope))
                .data("notice", resolved == null ? null : "The anomaly was resolved and your note recorded.")));
    }

    @GET
    @Path("/anomalies/{id}")
    public Uni<Response> anomaly(@PathParam("id") String id, @QueryParam("scope") String scope) {
        pages.purpose(PurposeOfUse.DPO_REVIEW);
        return one(id, scope).map(a -> Pages.ok(reviewPage(a, "", scope)));
    }

    @POST
    @Path("/anomalies/{id}/resolve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> resolve(@PathParam("id") String id, @QueryParam("scope") String scope, @FormParam("note") String note) {
        pages.purpose(PurposeOfUse.DPO_REVIEW);
        return Uni.createFrom().deferred(() -> anomalies.resolve(id, scope, new AnomalyResource.Resolution(note)))
                .map(done -> Response.seeOther(URI.create("/console/dpo/anomalies?resolved=" + done.id()
                        + query(scope).replace('?', '&'))).build())
                .onFailure(DpoConsole::invalidRequest)
                .recoverWithUni(e -> {
                    List<Problem.FieldError> errors = ((ApiException) e).errors().stream()
                            .map(f -> new Problem.FieldError(f.field().replace("/", ""), f.rule(), f.message())).toList();
                    return one(id, scope).map(a -> Pages.invalid(reviewPage(a, StorableText.shown(note), scope), errors));
                });
    }

    /** A 400 from the API becomes the form again with its error summary; anything else an error page. */
    private static boolean invalidRequest(Throwable e) {
        return e instanceof ApiException a && a.status() == 400;
    }

    /** The partnership view carried from page to page (the only scope a link may carry). */
    private static String query(String scope) {
        return DpoScope.asksPartnership(scope) ? "?scope=" + DpoScope.PARTNERSHIP : "";
    }

    private io.quarkus.qute.TemplateInstance reviewPage(AnomalyResource.Anomaly anomaly, String note, String scope) {
        return pages.page("dpo-anomaly", "/console/dpo/anomalies").data("a", anomaly).data("note", note).data("q", query(scope))
                .data("evidence", anomaly.firstEventId() == null ? null
                        : "/console/dpo/audit?user=" + enc(anomaly.subject() == null ? "" : anomaly.subject())
                                + "&from=" + enc(anomaly.windowStart().toString()));
    }

    /** One flag, found among those the DPO's scope lists (another agency's is a 404 page). */
    private Uni<AnomalyResource.Anomaly> one(String id, String scope) {
        return anomalies.list("ALL", null, null, "500", scope).map(list -> {
            Optional<AnomalyResource.Anomaly> found = list.stream().filter(a -> a.id().toString().equals(id)).findFirst();
            return found.orElseThrow(ApiException::notFound);
        });
    }

    private static Map<String, String> formValues(AuditSearchResource.FilterParams p) {
        Map<String, String> f = new java.util.HashMap<>();
        f.put("child", p.child == null ? "" : p.child);
        f.put("agency", p.agency == null ? "" : p.agency);
        f.put("user", p.user == null ? "" : p.user);
        f.put("purpose", p.purpose == null ? "" : p.purpose);
        f.put("decision", p.decision == null ? "" : p.decision);
        f.put("from", p.from == null ? "" : p.from);
        f.put("to", p.to == null ? "" : p.to);
        return f;
    }

    private static void blankToNull(AuditSearchResource.FilterParams p) {
        p.child = blank(p.child);
        p.childId = blank(p.childId);
        p.agency = blank(p.agency);
        p.user = blank(p.user);
        p.purpose = blank(p.purpose);
        p.decision = blank(p.decision);
        p.override = blank(p.override);
        p.from = blank(p.from);
        p.to = blank(p.to);
        p.cursor = blank(p.cursor);
        p.scope = blank(p.scope);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String nextLink(AuditSearchResource.FilterParams p, String cursor) {
        StringBuilder link = new StringBuilder("/console/dpo/audit?");
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        kept.put("child", p.child);
        kept.put("childId", p.childId);
        kept.put("agency", p.agency);
        kept.put("user", p.user);
        kept.put("purpose", p.purpose);
        kept.put("decision", p.decision);
        kept.put("from", p.from);
        kept.put("to", p.to);
        kept.put("scope", p.scope);
        kept.put("cursor", cursor);
        kept.forEach((k, v) -> {
            if (v != null) {
                link.append(k).append('=').append(enc(v)).append('&');
            }
        });
        return link.substring(0, link.length() - 1);
    }

    private static String enc(String v) {
        return java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
    }
}
