package uk.safeguarding.gateway.console;

import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import io.smallrye.mutiny.Uni;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Renders console pages: every page gets the signed-in user (for the menu) and the section it
 * belongs to. Pages are rendered to a string here so a page can carry any status (a 404 page is a
 * 404), which the browser tests check.
 */
@RequestScoped
public class Pages {

    private final Engine engine;
    private final SecurityIdentity identity;
    private final RequestContext context;
    private final ConsoleCsrf csrf;
    private final AuditTrail audit;

    Pages(Engine engine, SecurityIdentity identity, RequestContext context, ConsoleCsrf csrf, AuditTrail audit) {
        this.audit = audit;
        this.engine = engine;
        this.identity = identity;
        this.context = context;
        this.csrf = csrf;
    }

    /**
     * The page template {@code templates/console/<name>.html} with the common data filled in, including
     * the CSRF token every form must carry ({@code <input type="hidden" name="csrf-token" value="{csrf}">}).
     */
    public TemplateInstance page(String name, String section) {
        TemplateInstance page = engine.getTemplate("console/" + name).instance().data("section", section)
                .data("errors", List.of());
        if (!identity.isAnonymous()) {
            page.data("user", ConsoleUser.of(identity)).data("csrf", csrf.token());
        }
        return page;
    }

    /** A page's purpose, which the audit record of everything it does carries. */
    public void purpose(PurposeOfUse purpose) {
        context.purposeOfPage(purpose);
    }

    /**
     * The audit record of an API read that records nothing itself (the safety net would), for a page
     * that then calls a second API method which records itself and so marks the request audited. It
     * carries its own id: the request's id is the second record's.
     */
    public Uni<Void> recordRead(String action, String resourceType) {
        context.describe(action, resourceType, null, null);
        AuditEntry e = audit.entryFor(context, action, 200);
        return audit.recordStandalone(new AuditEntry(UUID.randomUUID(), e.recordedAt(), e.requestId(), e.actorSubject(),
                e.actorClient(), e.actorKind(), e.actorAgency(), e.actorRoles(), e.purpose(), e.action(), e.resourceType(),
                e.resourceId(), e.childId(), e.categories(), e.decision(), e.reasons(), e.denialCode(), e.lawfulBasis(),
                e.overrideJustification(), e.overrideApprover(), e.outcome(), e.sourceAddress(), e.dataOwners()));
    }

    public static Response ok(TemplateInstance page) {
        return status(200, page);
    }

    public static Response status(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(page.render())
                .header("Cache-Control", "no-store").build();
    }

    /** A form shown again with its error summary and the messages beside each field (400). */
    public static Response invalid(TemplateInstance page, List<Problem.FieldError> errors) {
        return status(400, page.data("errors", errors));
    }

    /** The error page for a refused or failed request, with the request id to quote and nothing else. */
    public Response error(int status, String code, String detail) {
        context.failed(status, code);
        String title = switch (status) {
            case 404 -> "Page not found";
            case 403 -> "You cannot see this page";
            case 409 -> "This has already been done";
            default -> status >= 500 ? "Sorry, there is a problem with the service" : "There is a problem";
        };
        return status(status, page("error", null).data("status", status).data("title", title)
                .data("detail", status == 404 ? "If you typed the web address, check it is correct." : detail)
                .data("requestId", context.requestId()));
    }
}
