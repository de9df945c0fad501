package uk.safeguarding.gateway.risk;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * An agency asked to agree to a downgrade below its own current level answers through its supervisor
 * (engine action {@code risk-agree}). Agreeing makes the proposed level its own once the proposal is
 * complete; declining keeps its level, so the shared level stays, and the proposal is finished (the
 * proposer may raise a professional disagreement).
 */
@Path("/api/v1")
@Tag(name = "Risk")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RiskAgreementResource {

    /** The answer: {@code agree} true or false, and why (required either way). */
    public record AgreementAnswer(Boolean agree, String rationale) {
    }

    private final Pool pool;
    private final RiskRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final RiskProposals proposals;

    RiskAgreementResource(Pool pool, RiskRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock,
            RiskProposals proposals) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.proposals = proposals;
    }

    @Operation(summary = "Agree or refuse a lowering below your agency's level",
        description = "By a supervisor of an agency whose current level the proposal goes below; a rationale either way. The shared level falls only when the proposer's own supervisor and every such agency have agreed; a refusal ends the proposal.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = AgreementAnswer.class),
        examples = @ExampleObject(name = "example", value = "{\"agree\": true, \"rationale\": \"Strategy meeting agreed the safety plan is working; we lower ours too.\"}")))
    @APIResponse(responseCode = "200", description = "The proposal as it now stands.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = RiskResource.Assessment.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/risk-assessments/{id}/agreement")
    public Uni<RiskResource.Assessment> agree(@PathParam("id") UUID id, AgreementAnswer body) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        if (body == null || body.agree() == null) {
            throw ApiException.badRequest("agree", "AGREE_REQUIRED", "agree must be true or false.");
        }
        if (body.rationale() == null || body.rationale().isBlank()) {
            throw ApiException.badRequest("rationale", "RATIONALE_REQUIRED",
                    "Agreeing or declining a lower risk level needs a rationale.");
        }
        context.describe("risk.agreement", "risk-assessment", id.toString(), null);
        return pool.withTransaction(tx -> proposals.lock(tx, id).chain(a -> {
            UUID childId = a.getUUID("child_id");
            context.describe("risk.agreement", "risk-assessment", id.toString(), childId);
            // Access before state: an agency with no part in the child's care gets the random id's 404.
            return policy.authorise(tx, RiskResource.assessmentTarget(a), "read", List.of("risk"), b -> b)
                    .chain(() -> proposals.agreements(tx, List.of(id)))
                    .invoke(all -> {
                        List<RiskResource.Agreement> asked = all.getOrDefault(id, List.of());
                        RiskResource.Agreement mine = asked.stream().filter(g -> g.agency().equals(actor.agencyId()))
                                .findFirst().orElse(null);
                        if (mine == null || !"PENDING".equals(mine.status())
                                || "DECLINED".equals(RiskProposals.status(false, asked))) {
                            throw new ApiException(409, "NO_AGREEMENT_PENDING",
                                    "Your agency has no pending request to agree to this assessment.", List.of());
                        }
                    })
                    // Agreeing lowers the agency's own level: its supervisor decides, under the protocol.
                    .chain(() -> policy.authorise(tx, Target.wholeChild(childId, null), "risk-agree", List.of("risk"),
                            b -> b))
                    .chain(decision -> repository.insertAgreement(tx, id, actor.agencyId(), body.agree(), actor.subject(),
                            body.rationale(), now, decision.reasons()))
                    .chain(() -> body.agree()
                            ? proposals.completeIfReady(tx, a, a.getString("approver_subject"), now)
                            : Uni.createFrom().item(Optional.<uk.safeguarding.gateway.alert.Notifier.Outcome>empty()))
                    .chain(done -> proposals.agreements(tx, List.of(id)).chain(all -> audit
                            .record(tx, audit.entryFor(context, "risk.agreement", 200)).invoke(context::markAudited)
                            .replaceWith(RiskResource.answer(a, a.getString("approver_subject"),
                                    a.getOffsetDateTime("approved_at") == null ? null
                                            : a.getOffsetDateTime("approved_at").toInstant(),
                                    done, all.getOrDefault(id, List.of())))));
        }));
    }
}
