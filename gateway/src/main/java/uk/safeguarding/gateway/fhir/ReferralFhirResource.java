package uk.safeguarding.gateway.fhir;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.Authenticated;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import uk.safeguarding.gateway.consent.BundleConsents;
import uk.safeguarding.gateway.consent.BundleConsents.BundleConsent;
import uk.safeguarding.gateway.limits.StrictUtf8;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.Attachment;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.referral.ReferralService;
import uk.safeguarding.gateway.referral.ReferralViews;
import uk.safeguarding.gateway.security.NoPurposeRequired;

/**
 * FHIR R4 intake and reads of referrals, on the same canonical model, checks, routing and
 * transaction as the JSON API. Parsing runs on a worker thread ({@link Blocking}), never on the
 * event loop; errors leave as OperationOutcome (ProblemMapper, for paths under /fhir).
 */
@APIResponse(responseCode = "401", ref = "FhirUnauthorized")
@APIResponse(responseCode = "403", ref = "OperationOutcome")
@APIResponse(responseCode = "400", ref = "OperationOutcome")
@Path("/fhir")
@Produces(OperationOutcomes.FHIR_JSON)
@Tag(name = "FHIR referrals", description = "FHIR R4 intake, $validate, reads and search of referrals")
public class ReferralFhirResource {

    private static final String REDACTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    private final ReferralService service;
    private final FhirIntake intake;
    private final OperationOutcomes outcomes;
    private final BundleConsents bundleConsents;
    private final FhirContext fhir;
    private final Capabilities capabilities;
    private final FhirReferralChecks checks;

    ReferralFhirResource(ReferralService service, FhirIntake intake, OperationOutcomes outcomes,
            BundleConsents bundleConsents, FhirContext fhir, Capabilities capabilities, FhirReferralChecks checks) {
        this.capabilities = capabilities;
        this.checks = checks;
        this.bundleConsents = bundleConsents;
        this.fhir = fhir;
        this.service = service;
        this.intake = intake;
        this.outcomes = outcomes;
    }

    @Parameter(ref = "PurposeOfUse")
    @RequestBody(ref = "FhirServiceRequest")
    @APIResponse(responseCode = "201", description = "Created and routed: an OperationOutcome naming the recipients and any language warnings; Location and Content-Location name the ServiceRequest.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "OperationOutcome")))
    @APIResponse(responseCode = "200", description = "A repeat with the same Idempotency-Key and body (Idempotent-Replayed: true); nothing new stored.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "OperationOutcome")))
    @APIResponse(responseCode = "409", ref = "OperationOutcome")
    @POST
    @Path("/ServiceRequest")
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    @Operation(summary = "Create a referral (ServiceRequest, profile safeguarding-referral)", description = "The child contained as #child. Every issue at once in an OperationOutcome; Idempotency-Key supported.")
    public Uni<Response> create(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey, @Context UriInfo uri) {
        Referral referral = checkedServiceRequest(body);
        return service.create(referral, idempotencyKey, "fhir").map(created -> created(created, uri));
    }

    /**
     * {@code POST /fhir/ServiceRequest/$validate}: every check of create (every issue at once, the
     * routing directory, the sender's right to refer), nothing stored. Valid: 200 and an
     * OperationOutcome with the language warnings; invalid: the OperationOutcome create would answer.
     * The operation is a path parameter because clients send {@code $} raw or percent-encoded.
     */
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(ref = "FhirServiceRequest")
    @APIResponse(responseCode = "200", description = "Valid: an information OperationOutcome (VALID) with the language warnings; nothing stored.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "OperationOutcome")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @POST
    @Path("/ServiceRequest/{operation}")
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    @Operation(summary = "$validate a referral without storing it", description = "Every check of create; 200 OperationOutcome (VALID and the language warnings) or the 400/403 create would answer.")
    public Response validateServiceRequest(@PathParam("operation") String operation, byte[] body) {
        requireValidate(operation);
        return validated(service.check(checkedServiceRequest(body), List.of()));
    }

    /** {@code POST /fhir/Bundle/$validate}: the same for a transaction Bundle (the Consent entry is not checked). */
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(ref = "FhirTransaction")
    @APIResponse(responseCode = "200", description = "Valid: an information OperationOutcome (VALID) with the language warnings; nothing stored.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "OperationOutcome")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @POST
    @Path("/Bundle/{operation}")
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    @Operation(summary = "$validate a transaction Bundle without storing it", description = "The same checks as POST /fhir, nothing stored.")
    public Response validateTransaction(@PathParam("operation") String operation, byte[] body) {
        requireValidate(operation);
        TransactionIntake.Submission submission = TransactionIntake.read(fhir, intake.parse(Bundle.class, StrictUtf8.decode(body, "Bundle")));
        checks.requireValid(submission.referral(), submission.structural());
        return validated(service.check(submission.referral(), submission.attachments()));
    }

    private Referral checkedServiceRequest(byte[] body) {
        ServiceRequest sr = intake.parse(ServiceRequest.class, StrictUtf8.decode(body, "ServiceRequest"));
        List<FieldError> structural = new ArrayList<>();
        Referral referral = ReferralFhirMapper.fromServiceRequest(sr, null, structural);
        checks.requireValid(referral, structural);
        return referral;
    }

    private static void requireValidate(String operation) {
        if (!"$validate".equals(operation)) {
            throw new ApiException(404, "NOT_FOUND", "Unknown operation " + operation + "; $validate is supported.", List.of());
        }
    }

    private Response validated(List<FieldError> warnings) {
        return Response.ok(outcomes.encode(outcomes.information("VALID", "Valid: every check of create passed; nothing was stored.",
                warnings))).build();
    }

    /**
     * A transaction Bundle: one Patient, one ServiceRequest whose subject references it, and optional
     * supporting Flag and DocumentReference entries ({@link TransactionIntake}).
     */
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(ref = "FhirTransaction")
    @APIResponse(responseCode = "200", description = "A transaction-response Bundle: one entry per request entry, in order.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")))
    @APIResponse(responseCode = "409", ref = "OperationOutcome")
    @POST
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    @Operation(summary = "Create a referral from a transaction Bundle", description = "One Patient (child-patient), one ServiceRequest (safeguarding-referral), optional Flag, DocumentReference and one Consent.")
    public Uni<Response> transaction(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Context UriInfo uri) {
        Bundle bundle = intake.parse(Bundle.class, StrictUtf8.decode(body, "Bundle"));
        TransactionIntake.Submission submission = TransactionIntake.read(fhir, bundle);
        checks.requireValid(submission.referral(), submission.structural());
        Referral referral = submission.referral();
        BundleConsent withConsent = submission.consent() == null ? null
                : bundleConsents.prepare(submission.consent(), submission.consentIndex(), submission.patientUrl(), referral);
        int patientIndex = submission.patientIndex();
        final int consentAt = submission.consentIndex();
        return service.create(referral, submission.attachments(), idempotencyKey, "fhir",
                withConsent == null ? null : withConsent::store).map(created -> {
            // One response entry per request entry, in order. The Patient is not a resource of its own
            // here: the child index keeps its identifiers and the referral keeps the rest.
            Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            for (int i = 0; i < bundle.getEntry().size(); i++) {
                var entry = response.addEntry().getResponse();
                if (i == consentAt) {
                    withConsent.respond(entry, created.replay());
                } else if (i == patientIndex) {
                    entry.setStatus("200 OK").setOutcome(outcomes.information(
                            "The child is linked by identifier in the child index; read it through the ServiceRequest.",
                            List.of()));
                } else {
                    // The ServiceRequest and its supporting entries are one resource here: the referral.
                    entry.setStatus(created.replay() ? "200 OK" : "201 Created")
                            .setLocation("ServiceRequest/" + created.receipt().id()).setOutcome(outcome(created));
                }
            }
            return Response.ok(outcomes.encode(response)).build();
        });
    }

    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The ServiceRequest, redacted for the caller (meta.security REDACTED when anything is withheld).",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "ServiceRequest")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @GET
    @Path("/ServiceRequest/{id}")
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    @Operation(summary = "Read a referral, redacted for the caller", description = "404 without a relationship, exactly as for an unknown id.")
    public Uni<Response> read(@PathParam("id") UUID id) {
        return service.read(id).map(view -> Response.ok(outcomes.encode(toFhir(fhir, view))).build());
    }

    /**
     * Search by the child's identifier ({@code subject:identifier=system|value}), optionally status,
     * authored and _lastUpdated, a page of _count at a time (ReferralSearch). At most the child's 100
     * newest referrals are searched.
     */
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "A searchset Bundle of ServiceRequests, with next and previous links.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")))
    @GET
    @Path("/ServiceRequest")
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    @Operation(summary = "Search referrals about one child", description = "subject:identifier=system|value (or subject:Patient.identifier, subject.identifier), status, authored, _lastUpdated, _count with next links.")
    public Uni<Response> search(@QueryParam("subject:identifier") String identifier,
            @QueryParam("subject:Patient.identifier") String chainedTyped, @QueryParam("subject.identifier") String chained,
            @QueryParam("status") String status, @QueryParam("authored") List<String> authored,
            @QueryParam("_lastUpdated") List<String> lastUpdated, @QueryParam("_count") Integer count,
            @QueryParam("_offset") Integer offset, @Context UriInfo uri) {
        ReferralSearch.Params p = ReferralSearch.parse(uri);
        return service.search(p.system(), p.value(), p.authoredFrom(), p.authoredTo()).map(found -> {
            List<ServiceRequest> matches = new ArrayList<>();
            for (ReferralViews.Read view : found) {
                ServiceRequest sr = toFhir(fhir, view);
                if ((p.status() == null || p.status().equals(sr.getStatus().toCode())) && ReferralSearch.updatedWithin(view, p)) {
                    matches.add(sr);
                }
            }
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matches.size());
            bundle.addLink().setRelation("self").setUrl(uri.getRequestUri().toString());
            if (p.offset() + p.count() < matches.size()) {
                bundle.addLink().setRelation("next").setUrl(ReferralSearch.pageUrl(uri, p.offset() + p.count()));
            }
            if (p.offset() > 0) {
                bundle.addLink().setRelation("previous").setUrl(ReferralSearch.pageUrl(uri, Math.max(0, p.offset() - p.count())));
            }
            for (ServiceRequest sr : ReferralSearch.page(matches, p)) {
                bundle.addEntry().setFullUrl(uri.getBaseUriBuilder().path("fhir/ServiceRequest/" + sr.getIdPart()).build().toString())
                        .setResource(sr).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
            }
            return Response.ok(outcomes.encode(bundle)).build();
        });
    }

    /** Any verified token, no purpose: the statement says what the server does, nothing about a child. */
    @APIResponse(responseCode = "200", description = "The CapabilityStatement.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "CapabilityStatement")))
    @GET
    @Path("/metadata")
    @Authenticated
    @NoPurposeRequired
    @Blocking
    @Operation(summary = "The CapabilityStatement", description = "Any valid token, no purpose. Names the profiles (supportedProfile), the ImplementationGuide and the R4 search parameters.")
    public Response metadata() {
        return Response.ok(outcomes.encode(capabilities.statement())).build();
    }

    // ------------------------------------------------------------------------------ helpers

    private Response created(ReferralService.Created created, UriInfo uri) {
        URI location = uri.getBaseUriBuilder().path("fhir/ServiceRequest/" + created.receipt().id()).build();
        Response.ResponseBuilder response = created.replay() ? Response.ok().header("Idempotent-Replayed", "true")
                : Response.created(location);
        return response.header("Content-Location", location).entity(outcomes.encode(outcome(created))).build();
    }

    private OperationOutcome outcome(ReferralService.Created created) {
        ReferralViews.Receipt r = created.receipt();
        String recipients = String.join(", ", r.recipients().stream().map(x -> x.agency() + " " + x.categories()).toList());
        return outcomes.information("Referral " + r.id() + " routed to: " + recipients + ".",
                r.warnings() == null ? List.of() : r.warnings());
    }

    static ServiceRequest toFhir(FhirContext fhir, ReferralViews.Read view) {
        ServiceRequest sr = ReferralFhirMapper.toServiceRequest(view.referral());
        // Supporting records the reader may see travel contained, referenced from supportingInfo.
        for (int i = 0; i < view.attachments().size(); i++) {
            Attachment a = view.attachments().get(i);
            Resource resource = (Resource) fhir.newJsonParser().parseResource(new io.vertx.core.json.JsonObject(a.resource()).encode());
            resource.setId("supporting-" + i);
            if (view.referral().child() == null) {
                // The child's identity is withheld: point at the same masked subject as the ServiceRequest.
                if (resource instanceof Flag f) {
                    f.setSubject(sr.getSubject().copy());
                } else if (resource instanceof DocumentReference d) {
                    d.setSubject(sr.getSubject().copy());
                }
            }
            sr.addContained(resource);
            sr.addSupportingInfo(new Reference("#supporting-" + i));
        }
        sr.setId(view.id().toString());
        sr.setAuthoredOn(Date.from(view.createdAt().toInstant()));
        sr.getMeta().setLastUpdated(Date.from(ReferralSearch.lastUpdated(view).toInstant()));
        boolean open = view.recipients().stream().anyMatch(r -> r.status().equals("PENDING") || r.status().equals("ACKNOWLEDGED"));
        sr.setStatus(open || view.recipients().isEmpty() ? ServiceRequest.ServiceRequestStatus.ACTIVE
                : ServiceRequest.ServiceRequestStatus.COMPLETED);
        if (!view.redactedCategories().isEmpty() || view.referral().child() == null) {
            sr.getMeta().addSecurity(REDACTED_SYSTEM, "REDACTED", "redacted");
        }
        return sr;
    }


}
