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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import uk.safeguarding.gateway.limits.StorableText;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.referral.InboxResource;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.referral.ReferralResource;
import uk.safeguarding.gateway.referral.ReferralService;
import uk.safeguarding.gateway.referral.ReferralViews;
import uk.safeguarding.gateway.referral.ReleasedIdentity;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.strategy.MaceResource;
import uk.safeguarding.gateway.strategy.StrategyResource;

/**
 * The practitioner's pages: the agency's inbox (referrals awaiting it, strategy actions it owns) and
 * a referral with its response. Every read and response is the API's own resource method (same policy
 * decision, same 404 for a referral the agency may not know of, same validation and audit record);
 * the page supplies the purpose, safeguarding.
 */
@Path("/console/practitioner")
@RolesAllowed("practitioner")
@NoPurposeRequired
@Produces(MediaType.TEXT_HTML)
public class PractitionerConsole {

    static final String INBOX = "/console/practitioner/inbox";

    private final Pages pages;
    private final InboxResource inbox;
    private final ReferralResource referrals;
    private final MaceResource actions;
    private final ReleasedIdentity identities;
    private final AgencyNames agencies;
    private final RequestContext context;

    PractitionerConsole(Pages pages, InboxResource inbox, ReferralResource referrals, MaceResource actions,
            ReleasedIdentity identities, AgencyNames agencies, RequestContext context) {
        this.pages = pages;
        this.inbox = inbox;
        this.referrals = referrals;
        this.actions = actions;
        this.identities = identities;
        this.agencies = agencies;
        this.context = context;
    }

    /** A referral as an inbox row. */
    public record ReferralRow(String id, String childId, ChildLabel child, String from, String received, String status,
            String respondBy, String risk) {
    }

    /** A strategy action as an inbox row. */
    public record ActionRow(String id, String discussionId, String childId, ChildLabel child, String description,
            String due, String status, boolean overdue) {
    }

    @GET
    @Path("/inbox")
    public Uni<Response> inbox() {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        // Each name is the engine's decision on a referral's identity for this reader (ReleasedIdentity).
        // The referral inbox is recorded as the API's would be; the strategy read then records itself.
        return inbox.inbox(null, InboxResource.REFERRAL)
                .map(list -> list.stream().map(ReferralViews.InboxEntry.class::cast).toList())
                .call(() -> pages.recordRead("referral.inbox", ReferralService.RESOURCE_TYPE))
                .chain(received -> actions.ownActions().chain(owned -> {
            List<UUID> children = new ArrayList<>();
            received.forEach(r -> children.add(r.childId()));
            owned.forEach(a -> children.add(a.childId()));
            return identities.of(children).map(names -> Pages.ok(pages.page("practitioner-inbox", INBOX)
                    .data("referrals", received.stream().map(r -> new ReferralRow(r.referralId().toString(),
                            r.childId().toString(), ChildLabel.of(names.get(r.childId())), agencies.of(r.requesterAgency()),
                            GovukDates.dateTime(r.receivedAt()), r.status(), GovukDates.dateTime(r.ackDueAt()),
                            r.riskLevel())).toList())
                    .data("actions", owned.stream().map(a -> actionRow(a, names.get(a.childId()))).toList())));
        }));
    }

    static ActionRow actionRow(StrategyResource.ActionView a, ReleasedIdentity.Identity identity) {
        return new ActionRow(a.id().toString(), a.discussionId().toString(), a.childId().toString(), ChildLabel.of(identity),
                a.description(), GovukDates.date(a.dueOn()), a.status(), a.overdue());
    }

    @GET
    @Path("/referrals/{id}")
    public Uni<Response> referral(@PathParam("id") UUID id, @QueryParam("done") String done) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return referrals.read(id).map(read -> Pages.ok(referralPage(read, "", notice(done))));
    }

    @POST
    @Path("/referrals/{id}/acknowledge")
    public Uni<Response> acknowledge(@PathParam("id") UUID id) {
        return respond(id, "acknowledged", "", () -> referrals.acknowledge(id));
    }

    @POST
    @Path("/referrals/{id}/accept")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> accept(@PathParam("id") UUID id) {
        return respond(id, "accepted", "", () -> referrals.accept(id, new ReferralViews.Response(null)));
    }

    @POST
    @Path("/referrals/{id}/decline")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> decline(@PathParam("id") UUID id, @FormParam("reason") String reason) {
        Problem.FieldError unstorable = StorableText.formFieldError("reason", "The reason", reason);
        if (unstorable != null) {
            pages.purpose(PurposeOfUse.SAFEGUARDING);
            return referrals.read(id).map(read -> Pages.invalid(referralPage(read, StorableText.shown(reason), null),
                    List.of(unstorable)));
        }
        return respond(id, "declined", reason, () -> referrals.decline(id, new ReferralViews.Response(reason)));
    }

    /**
     * The API's response method; its 400 (a decline without a reason) is the page again with the error
     * summary, anything else (the 404 of a referral the agency may not know of, the 409 of a second
     * decision) is the error page.
     */
    private Uni<Response> respond(UUID id, String done, String reason, Supplier<Uni<? extends ReferralViews.Recipient>> act) {
        pages.purpose(PurposeOfUse.SAFEGUARDING);
        return Uni.createFrom().deferred(act)
                .map(r -> Response.seeOther(URI.create("/console/practitioner/referrals/" + id + "?done=" + done)).build())
                .onFailure(e -> e instanceof ApiException a && a.status() == 400)
                .recoverWithUni(e -> {
                    List<Problem.FieldError> errors = ((ApiException) e).errors().stream()
                            .map(f -> new Problem.FieldError(f.field().replace("/", ""), f.rule(), f.message())).toList();
                    return referrals.read(id).map(read -> Pages.invalid(referralPage(read, StorableText.shown(reason), null), errors));
                });
    }

    private TemplateInstance referralPage(ReferralViews.Read read, String reason, String notice) {
        String me = context.requireActor().agencyId();
        ReferralViews.Recipient mine = read.recipients() == null ? null
                : read.recipients().stream().filter(r -> me.equals(r.agency())).findFirst().orElse(null);
        Referral r = read.referral();
        ChildLabel child = ChildLabel.of(ReleasedIdentity.Identity.of(r.child()).orElse(null));
        List<Map<String, String>> recipients = read.recipients() == null ? List.of() : read.recipients().stream()
                .map(x -> Map.of("agency", agencies.of(x.agency()), "status", x.status(),
                        "respondBy", GovukDates.dateTime(x.ackDueAt()))).toList();
        return pages.page("practitioner-referral", INBOX).data("id", read.id().toString())
                .data("childId", read.childId().toString()).data("child", child)
                .data("from", agencies.of(r.requesterAgency())).data("contact", r.requesterContact())
                .data("received", GovukDates.dateTime(read.createdAt())).data("r", r)
                .data("concerns", r.concernCategories() == null ? "" : String.join(", ", r.concernCategories()))
                .data("withheld", read.redactedCategories() == null ? List.of() : read.redactedCategories())
                .data("recipients", recipients)
                .data("mine", mine).data("status", mine == null ? null : mine.status())
                .data("respondBy", mine == null ? null : GovukDates.dateTime(mine.ackDueAt()))
                .data("canAcknowledge", mine != null && "PENDING".equals(mine.status()))
                .data("canDecide", mine != null && ("PENDING".equals(mine.status()) || "ACKNOWLEDGED".equals(mine.status())))
                .data("reason", reason == null ? "" : reason).data("notice", notice);
    }

    private static String notice(String done) {
        return switch (done == null ? "" : done) {
            case "acknowledged" -> "Referral acknowledged. The referrer can see that your agency has it.";
            case "accepted" -> "Referral accepted. The referrer has been told.";
            case "declined" -> "Referral declined. The referrer has been told why.";
            default -> null;
        };
    }
}
