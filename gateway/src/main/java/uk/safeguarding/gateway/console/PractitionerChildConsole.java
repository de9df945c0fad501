package uk.safeguarding.gateway.console;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.chronology.ChronologyEntry;
import uk.safeguarding.gateway.chronology.ChronologyResource;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.referral.ReleasedIdentity;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.strategy.StrategyResource;

/**
 * The practitioner's child page (the chronology as released to the reader, paged, by period and kind)
 * and strategy discussion page (with the status of the actions the agency owns). The reads are the
 * API's own methods: a child or discussion the agency has no part in is the same 404 as a random id.
 */
@Path("/console/practitioner")
@RolesAllowed("practitioner")
@NoPurposeRequired
@Produces(MediaType.TEXT_HTML)
public class PractitionerChildConsole {

    /** The kinds offered as filters, in the order a practitioner thinks of them. */
    static final List<String> KINDS = List.of("referral", "referral-response", "strategy-discussion", "strategy-decision",
            "strategy-action", "risk-assessment", "shared-risk-change", "placement", "missing", "found", "return-home",
            "return-interview", "case-event", "disagreement", "consent", "trigger-plan", "strategy-action-overdue");
    static final int PAGE = 25;

    private final Pages pages;
    private final ChronologyResource chronology;
    private final StrategyResource strategy;
    private final ReleasedIdentity identities;
    private final AgencyNames agencies;
    private final RequestContext context;

    PractitionerChildConsole(Pages pages, ChronologyResource chronology, StrategyResource strategy,
            ReleasedIdentity identities, AgencyNames agencies, RequestContext context) {
        this.pages = pages;
        this.chronology = chronology;
        this.strategy = strategy;
        this.identities = identities;
        this.agencies = agencies;
        this.context = context;
    }

    /** One chronology entry as a table row; {@code link} is a console page, or null where there is none. */
    public record EntryRow(String date, String time, String what, String agency, String otherAgency, String link) {
    }

    @GET
    @Path("/children/{childId}")
    public Uni<Response> child(@PathParam("childId") UUID childId, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("kind") List<String> kinds, @QueryParam("cursor") String cursor) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        List<String> chosen = kinds == null ? List.of() : kinds.stream().filter(KINDS::contains).distinct().toList();
        List<Problem.FieldError> errors = new ArrayList<>();
        String since = startOf("from", "Date from", from, errors);
        String until = startOf("to", "Date to", to, errors);
        // The child's own read decides first (404 for a child the agency has no part in), then the names. The
        // read authorises the child before it checks a parameter, so a recovered 400 is only ever about a
        // child the agency may see: no other id reaches the identity lookup or renders a page.
        return Uni.createFrom().deferred(() -> chronology.read(childId, errors.isEmpty() ? since : null,
                        errors.isEmpty() && until != null ? LocalDate.parse(to.strip()).plusDays(1).atStartOfDay(GovukDates.UK)
                                .toInstant().toString() : null, chosen, errors.isEmpty() ? cursor : null, Integer.toString(PAGE)))
                .map(page -> (Object) page)
                .onFailure(e -> e instanceof ApiException a && a.status() == 400).recoverWithItem(e -> e)
                .chain(result -> identities.of(List.of(childId)).map(names -> {
                    TemplateInstance view = childPage(childId, ChildLabel.of(names.get(childId)), from, to, chosen);
                    if (result instanceof ApiException bad) {
                        bad.errors().forEach(f -> errors.add(new Problem.FieldError(f.field().replace("/", ""), f.rule(), f.message())));
                    }
                    if (!errors.isEmpty() || !(result instanceof ChronologyResource.Page page)) {
                        return Pages.invalid(view.data("entries", List.of()).data("next", null), errors);
                    }
                    return Pages.ok(view.data("entries", page.entries().stream().map(this::row).toList())
                            .data("next", page.next() == null ? null : nextLink(childId, from, to, chosen, page.next())));
                }));
    }

    private TemplateInstance childPage(UUID childId, ChildLabel child, String from, String to, List<String> chosen) {
        List<Map<String, Object>> kinds = KINDS.stream().map(k -> Map.<String, Object>of("value", k, "label", label(k),
                "checked", chosen.contains(k))).toList();
        return pages.page("practitioner-child", PractitionerConsole.INBOX).data("childId", childId.toString())
                .data("child", child).data("from", from == null ? "" : from).data("to", to == null ? "" : to)
                .data("kinds", kinds);
    }

    EntryRow row(ChronologyEntry e) {
        String link = e.recordId() == null ? null : switch (e.recordType() == null ? "" : e.recordType()) {
            case "referral" -> "/console/practitioner/referrals/" + e.recordId();
            case "strategy-discussion" -> "/console/practitioner/discussions/" + e.recordId();
            default -> null;
        };
        String what = label(e.kind()) + (e.code() == null ? "" : ": " + e.code().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        return new EntryRow(GovukDates.date(e.at()), GovukDates.time(e.at().atZone(GovukDates.UK).toLocalTime()), what,
                e.agency() == null ? "-" : e.agency().name(), e.otherAgency() == null ? "-" : e.otherAgency().name(), link);
    }

    /** "strategy-action-overdue" as "Strategy action overdue". */
    static String label(String kind) {
        String words = kind.replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** A form date (2026-12-06) as the instant its UK day starts; a wrong one is an error beside the field. */
    static String startOf(String field, String label, String value, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip()).atStartOfDay(GovukDates.UK).toInstant().toString();
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "DATE_FORMAT", label + " must be a date as year-month-day, for example 2026-12-06"));
            return null;
        }
    }

    private static String nextLink(UUID childId, String from, String to, List<String> kinds, String cursor) {
        StringBuilder q = new StringBuilder("/console/practitioner/children/" + childId + "?cursor=" + enc(cursor));
        if (from != null && !from.isBlank()) {
            q.append("&from=").append(enc(from.strip()));
        }
        if (to != null && !to.isBlank()) {
            q.append("&to=").append(enc(to.strip()));
        }
        kinds.forEach(k -> q.append("&kind=").append(enc(k)));
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @GET
    @Path("/discussions/{id}")
    public Uni<Response> discussion(@PathParam("id") UUID id, @QueryParam("updated") String updated) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return strategy.read(id).chain(d -> identities.of(List.of(d.childId())).map(names -> {
            String me = context.requireActor().agencyId();
            List<Map<String, Object>> acts = d.actions().stream().map(a -> Map.<String, Object>of(
                    "row", PractitionerConsole.actionRow(a, names.get(a.childId())), "owner", agencies.of(a.ownerAgency()),
                    "mine", me.equals(a.ownerAgency()) || me.equals(d.convener()))).toList();
            List<Map<String, Object>> invitees = d.invitees().stream().map(i -> Map.<String, Object>of(
                    "agency", agencies.of(i.agency()), "attended", i.attended() == null ? "Not recorded" : i.attended() ? "Yes" : "No"))
                    .toList();
            return Pages.ok(pages.page("practitioner-discussion", PractitionerConsole.INBOX).data("d", d)
                    .data("child", ChildLabel.of(names.get(d.childId()))).data("convener", agencies.of(d.convener()))
                    .data("held", GovukDates.dateTime(d.heldAt())).data("nextReview", GovukDates.date(d.nextReviewOn()))
                    .data("decision", d.decision() == null ? "Not yet recorded" : label(d.decision().toLowerCase(java.util.Locale.ROOT).replace('_', '-')))
                    .data("invitees", invitees).data("actions", acts)
                    .data("notice", updated == null ? null : "Action status updated. The convener can see it."));
        }));
    }

    @POST
    @Path("/discussions/{id}/actions/{actionId}/status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> actionStatus(@PathParam("id") UUID id, @PathParam("actionId") UUID actionId,
            @FormParam("status") String status) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        // "In progress" is an open action: the API's statuses are OPEN, DONE and CANCELLED.
        return Uni.createFrom().deferred(() -> strategy.actionStatus(id, actionId, new StrategyResource.StatusBody(status)))
                .map(a -> Response.seeOther(URI.create("/console/practitioner/discussions/" + id + "?updated=1")).build());
    }
}
