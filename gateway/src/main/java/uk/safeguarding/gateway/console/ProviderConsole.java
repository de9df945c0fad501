package uk.safeguarding.gateway.console;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import uk.safeguarding.gateway.alert.AlertResource;
import uk.safeguarding.gateway.limits.StorableText;
import uk.safeguarding.gateway.placement.MissingResource;
import uk.safeguarding.gateway.placement.PlacementRepository;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.referral.LanguageCheck;
import uk.safeguarding.gateway.risk.RiskResource;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The placement provider's pages: the alert inbox, acknowledgement, reporting a child missing or
 * found, and the risk summary the protocols let the provider see. Every action is the API's own
 * resource method (same policy decision, same 404 for someone else's child, same audit record).
 */
@Path("/console/provider")
@RolesAllowed("provider")
@NoPurposeRequired
@Produces(MediaType.TEXT_HTML)
public class ProviderConsole {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Pages pages;
    private final AlertResource alerts;
    private final MissingResource missing;
    private final RiskResource risk;
    private final PlacementRepository placements;
    private final RequestContext context;
    private final LanguageCheck language;

    ProviderConsole(Pages pages, AlertResource alerts, MissingResource missing, RiskResource risk, PlacementRepository placements,
            RequestContext context, LanguageCheck language) {
        this.language = language;
        this.pages = pages;
        this.alerts = alerts;
        this.missing = missing;
        this.risk = risk;
        this.placements = placements;
        this.context = context;
    }

    @GET
    @Path("/alerts")
    public Uni<Response> inbox(@QueryParam("acknowledged") String acknowledged) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return alerts.inbox(200, true).map(list -> Pages.ok(pages.page("provider-alerts", "/console/provider/alerts")
                .data("alerts", list.stream().map(AlertRow::of).toList())
                .data("notice", acknowledged == null ? null : "Alert acknowledged.")));
    }

    @GET
    @Path("/alerts/{id}")
    public Uni<Response> alert(@PathParam("id") UUID id, @QueryParam("acknowledged") String acknowledged) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return alerts.one(id).map(a -> Pages.ok(pages.page("provider-alert", "/console/provider/alerts")
                .data("a", AlertRow.of(a)).data("sections", sections(a.payload()))
                .data("notice", acknowledged == null ? null : "Alert acknowledged. The sender can see that you have read it.")));
    }

    @POST
    @Path("/alerts/{id}/acknowledge")
    public Uni<Response> acknowledge(@PathParam("id") UUID id) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return alerts.acknowledge(id)
                .map(a -> Response.seeOther(URI.create("/console/provider/alerts/" + id + "?acknowledged=1")).build());
    }

    /** Children currently placed with this provider; names only as the provider's own alerts released them. */
    @GET
    @Path("/children")
    public Uni<Response> children() {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        String agency = context.requireActor().agencyId();
        context.describe("console.provider.children", "placement", null, null);
        return placements.providerPlacements(agency)
                .map(rows -> {
                    List<Map<String, Object>> children = new ArrayList<>();
                    for (Row r : rows) {
                        Map<String, Object> c = new LinkedHashMap<>();
                        c.put("childId", r.getUUID("child_id").toString());
                        c.put("name", r.getString("name") == null ? "Child " + r.getUUID("child_id").toString().substring(0, 8) : r.getString("name"));
                        c.put("startDate", r.getLocalDate("start_date").toString());
                        c.put("status", r.getString("status"));
                        c.put("missing", r.getBoolean("missing"));
                        children.add(c);
                    }
                    return Pages.ok(pages.page("provider-children", "/console/provider/children").data("children", children));
                });
    }

    /** One child: the risk summary the policy releases to this provider, and the missing/found actions. */
    @GET
    @Path("/children/{childId}")
    public Uni<Response> child(@PathParam("childId") UUID childId, @QueryParam("done") String done,
            @QueryParam("wording") String wording) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return risk.history(childId)
                .map(list -> Map.<String, Object>of("allowed", true, "current", current(list)))
                .onFailure(e -> e instanceof ApiException a && a.status() == 403)
                .recoverWithItem(Map.of("allowed", false))
                .chain(summary -> openEpisode(childId).map(episode -> Pages.ok(pages.page("provider-child", "/console/provider/children")
                        .data("childId", childId).data("risk", summary).data("episode", episode.orElse(null))
                        .data("notice", notice(done)).data("wording", wording(wording)))));
    }

    @GET
    @Path("/children/{childId}/missing")
    public Uni<Response> missingForm(@PathParam("childId") UUID childId) {
        return Uni.createFrom().item(Pages.ok(missingPage(childId, "", "", "")));
    }

    @POST
    @Path("/children/{childId}/missing")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> reportMissing(@PathParam("childId") UUID childId, @FormParam("lastSeen") String lastSeen,
            @FormParam("lastSeenLocation") String location, @FormParam("circumstances") String circumstances) {
        pages.purpose(PurposeOfUse.MISSING_RESPONSE);
        List<Problem.FieldError> errors = new ArrayList<>();
        Instant since = null;
        if (lastSeen != null && !lastSeen.isBlank()) {
            try {
                since = LocalDateTime.parse(lastSeen.trim(), LOCAL).atZone(LONDON).toInstant();
                if (since.isAfter(Instant.now())) {
                    errors.add(new Problem.FieldError("lastSeen", "IN_FUTURE", "The time last seen must be in the past"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new Problem.FieldError("lastSeen", "DATE_TIME_FORMAT",
                        "Enter the time last seen as year-month-day hours:minutes, for example 2026-11-29 21:30"));
            }
        }
        if (circumstances != null && circumstances.length() > 2000) {
            errors.add(new Problem.FieldError("circumstances", "TOO_LONG", "Circumstances must be 2000 characters or fewer"));
        }
        // A time holding U+0000 already fails its format above.
        Stream.of(StorableText.formFieldError("lastSeenLocation", "Where the child was last seen", location),
                        StorableText.formFieldError("circumstances", "What happened", circumstances))
                .filter(Objects::nonNull).forEach(errors::add);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Pages.invalid(missingPage(childId, StorableText.shown(lastSeen),
                    StorableText.shown(location), StorableText.shown(circumstances)), errors));
        }
        MissingResource.MissingReport report = new MissingResource.MissingReport(
                since == null ? null : since.atOffset(java.time.ZoneOffset.UTC), blank(circumstances), blank(location));
        String wording = flaggedEntries(Map.of("lastSeenLocation", nonNull(location), "circumstances", nonNull(circumstances)));
        return missing.missing(childId, report)
                .map(r -> Response.seeOther(URI.create("/console/provider/children/" + childId + "?done=missing" + wording)).build());
    }

    @POST
    @Path("/children/{childId}/found")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> reportFound(@PathParam("childId") UUID childId, @FormParam("episode") UUID episode,
            @FormParam("locationFound") String location) {
        pages.purpose(PurposeOfUse.MISSING_RESPONSE);
        if (episode == null) {
            throw ApiException.notFound();
        }
        Problem.FieldError unstorable = StorableText.formFieldError("locationFound", "Where the child was found", location);
        if (unstorable != null) {
            throw ApiException.badRequest(unstorable.field(), unstorable.rule(), unstorable.message() + ".");
        }
        String wording = flaggedEntries(Map.of("locationFound", nonNull(location)));
        return missing.found(episode, new MissingResource.FoundReport(null, blank(location)))
                .map(r -> Response.seeOther(URI.create("/console/provider/children/" + childId + "?done=found" + wording)).build());
    }

    /**
     * The language check on the form's free text, as the API runs it on every JSON body: the report is
     * sent as written, and the child's page then shows the author why the wording may blame the child.
     * Only the phrase entries' ids travel in the address, never the text.
     */
    private String flaggedEntries(Map<String, String> texts) {
        List<String> entries = language.check(texts).stream().map(LanguageCheck.Flag::entry).distinct().toList();
        return entries.isEmpty() ? "" : "&wording=" + String.join(",", entries);
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    /** The advice for the entries named in the address; ids the phrase list does not hold are ignored. */
    private List<LanguageCheck.Advice> wording(String entries) {
        if (entries == null || entries.isBlank()) {
            return List.of();
        }
        return Stream.of(entries.split(",")).distinct().limit(20).map(language::advice)
                .flatMap(java.util.Optional::stream).toList();
    }

    private io.quarkus.qute.TemplateInstance missingPage(UUID childId, String lastSeen, String location, String circumstances) {
        return pages.page("provider-missing", "/console/provider/children").data("childId", childId)
                .data("lastSeen", lastSeen == null ? "" : lastSeen).data("lastSeenLocation", location == null ? "" : location)
                .data("circumstances", circumstances == null ? "" : circumstances);
    }

    private Uni<java.util.Optional<Map<String, Object>>> openEpisode(UUID childId) {
        return placements.openEpisodeSummary(childId)
                .map(rows -> rows.size() == 0 ? java.util.Optional.empty() : java.util.Optional.of(Map.<String, Object>of(
                        "id", rows.iterator().next().getUUID("id").toString(),
                        "since", LOCAL.format(rows.iterator().next().getOffsetDateTime("missing_since")
                                .atZoneSameInstant(LONDON)))));
    }

    private static Object current(List<RiskResource.Assessment> history) {
        RiskResource.Assessment latest = null;
        for (RiskResource.Assessment a : history) {
            if (a.inEffect()) {
                latest = a;
            }
        }
        return latest == null ? "none" : latest;
    }

    private static String notice(String done) {
        if ("missing".equals(done)) {
            return "Missing report sent. The police and the placing council have been alerted.";
        }
        if ("found".equals(done)) {
            return "Found report sent. A return interview is now due within 72 hours.";
        }
        return null;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The payload's sections (identity, placement, risk, missing) as label/value rows for a summary list. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> sections(Map<String, Object> payload) {
        // The released categories sit under "data" when the alert carries them; the rest is the envelope.
        Map<String, Object> released = payload.get("data") instanceof Map<?, ?> data ? (Map<String, Object>) data : payload;
        List<Map<String, Object>> out = new ArrayList<>();
        released.forEach((key, value) -> {
            if (value instanceof Map<?, ?> m && !m.isEmpty()) {
                List<Map<String, String>> rows = new ArrayList<>();
                ((Map<String, Object>) m).forEach((k, v) -> {
                    if (v != null) {
                        rows.add(Map.of("label", k, "value", text(v)));
                    }
                });
                out.add(Map.of("title", key, "rows", rows));
            }
        });
        return out;
    }

    private static String text(Object value) {
        if (value instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> {
                if (v != null) {
                    parts.add(k + ": " + text(v));
                }
            });
            return String.join("; ", parts);
        }
        if (value instanceof List<?> l) {
            return String.join(", ", l.stream().map(ProviderConsole::text).toList());
        }
        return String.valueOf(value);
    }

    /** An alert as a table row. */
    public record AlertRow(String id, String event, String status, String createdAt, String ackDueAt, String childName,
            boolean acknowledged) {

        @SuppressWarnings("unchecked")
        static AlertRow of(AlertResource.AlertView a) {
            Object identity = a.payload().get("identity");
            String name = identity instanceof Map<?, ?> m && m.get("name") != null ? String.valueOf(m.get("name")) : "-";
            return new AlertRow(a.id().toString(), a.event(), a.status(), format(a.createdAt()), format(a.ackDueAt()), name,
                    "ACKNOWLEDGED".equals(a.status()));
        }

        private static String format(Instant at) {
            return at == null ? "-" : LOCAL.format(at.atZone(LONDON));
        }
    }
}
