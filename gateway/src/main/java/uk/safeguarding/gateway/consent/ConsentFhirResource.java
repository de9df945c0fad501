package uk.safeguarding.gateway.consent;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.fhir.FhirIntake;
import uk.safeguarding.gateway.fhir.OperationOutcomes;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * FHIR R4 Consent on the same service, checks and transaction as the JSON API: create, read, search
 * by the child's identifier and {@code $withdraw}. Parsing on a worker thread; errors leave as
 * OperationOutcome naming the FHIRPath and the rule.
 */
@Tag(name = "FHIR consent", description = "FHIR R4 Consent on the same checks and transaction as /api/v1/consents.")
@APIResponse(responseCode = "401", ref = "FhirUnauthorized")
@APIResponse(responseCode = "403", ref = "OperationOutcome")
@APIResponse(responseCode = "400", ref = "OperationOutcome")
@Path("/fhir/Consent")
@Produces(OperationOutcomes.FHIR_JSON)
@RolesAllowed({"practitioner", "supervisor", "provider"})
public class ConsentFhirResource {

    private final ConsentService service;
    private final FhirIntake intake;
    private final OperationOutcomes outcomes;

    ConsentFhirResource(ConsentService service, FhirIntake intake, OperationOutcomes outcomes) {
        this.service = service;
        this.intake = intake;
        this.outcomes = outcomes;
    }

    @Operation(summary = "Record a consent (FHIR Consent)",
        description = "Who consented (performer Patient or RelatedPerson, basis in the consent-basis extension), permit/deny provisions by class (data category), actor (recipient agency type) and purpose; the same checks as POST /api/v1/consents, every issue in an OperationOutcome naming the FHIRPath.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "FhirConsent"),
                        examples = @ExampleObject(name = "example", ref = "FhirConsent")),
                @Content(mediaType = "application/json", schema = @Schema(ref = "FhirConsent"),
                        examples = @ExampleObject(name = "example", ref = "FhirConsent"))})
    @APIResponse(responseCode = "201", description = "Recorded.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "FhirConsent")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @POST
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    public Uni<Response> create(String body, @Context UriInfo uri) {
        ConsentRecord.NewConsent c = ConsentFhirMapper.fromFhir(intake.parse(Consent.class, body));
        Uni<ConsentRecord> created;
        try {
            created = service.create(c);
        } catch (ApiException e) {
            throw ConsentFhirMapper.inFhirTerms(e);
        }
        return created.map(stored -> {
            URI location = uri.getBaseUriBuilder().path("fhir/Consent/" + stored.id()).build();
            return Response.created(location).entity(outcomes.encode(ConsentFhirMapper.toFhir(stored))).build();
        });
    }

    @Operation(summary = "Read a consent")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The Consent.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "FhirConsent")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @GET
    @Path("/{id}")
    public Uni<Response> read(@PathParam("id") UUID id) {
        return service.read(id).map(c -> Response.ok(outcomes.encode(ConsentFhirMapper.toFhir(c))).build());
    }

    /** Search by the child's identifier: {@code patient.identifier=system|value} (also {@code patient:Patient.identifier}). */
    @Operation(summary = "Search a child's consents",
        description = "patient.identifier=system|value (or patient:Patient.identifier): a searchset Bundle. An unknown child and a child the caller may not see give the same empty Bundle.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "A searchset Bundle of Consents.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")))
    @GET
    public Uni<Response> search(@QueryParam("patient.identifier") String identifier,
            @QueryParam("patient:Patient.identifier") String typedIdentifier, @Context UriInfo uri) {
        String token = identifier != null ? identifier : typedIdentifier;
        if (token == null || !token.contains("|") || token.startsWith("|") || token.endsWith("|")) {
            throw ApiException.badRequest("patient.identifier", "SEARCH_IDENTIFIER_REQUIRED",
                    "Search by the child's identifier as system|value, e.g. " + ChildIndex.NHS_NUMBER + "|9434765919.");
        }
        int bar = token.indexOf('|');
        return service.search(token.substring(0, bar), token.substring(bar + 1)).map(found -> {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
            bundle.addLink().setRelation("self").setUrl(uri.getRequestUri().toString());
            for (ConsentRecord c : found) {
                bundle.addEntry().setFullUrl(uri.getBaseUriBuilder().path("fhir/Consent/" + c.id()).build().toString())
                        .setResource(ConsentFhirMapper.toFhir(c)).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
            }
            bundle.setTotal(found.size());
            return Response.ok(outcomes.encode(bundle)).build();
        });
    }

    /** This resource's entry in the CapabilityStatement. */
    public static void describe(org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent r) {
        r.setType("Consent");
        r.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.CREATE)
                .setDocumentation("Who consented (performer Patient or RelatedPerson, basis in the consent-basis extension), "
                        + "permit/deny provisions by class (data category), actor (recipient agency type) and purpose.");
        r.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.READ);
        r.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        r.addSearchParam().setName("patient.identifier").setType(org.hl7.fhir.r4.model.Enumerations.SearchParamType.TOKEN)
                .setDocumentation("Required: the child's identifier as system|value.");
        r.addOperation().setName("withdraw").setDefinition("https://safeguarding.example/fhir/OperationDefinition/Consent-withdraw");
    }

    /**
     * Withdraws the consent ({@code POST /fhir/Consent/{id}/$withdraw}; status becomes inactive); prior
     * disclosures are on the JSON answer and the DPO's list. The operation name is a path parameter
     * because clients send {@code $} both raw and percent-encoded, and a literal template matches only one.
     */
    @Operation(summary = "$withdraw a consent",
        description = "POST /fhir/Consent/{id}/$withdraw (on-word-of=child or parental-responsibility to withdraw another agency's record): status becomes inactive; it stops future sharing at once. Any other operation name: 404.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The withdrawn Consent.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "FhirConsent")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @APIResponse(responseCode = "409", ref = "OperationOutcome")
    @POST
    @Path("/{id}/{operation}")
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Uni<Response> operation(@PathParam("id") UUID id, @PathParam("operation") String operation,
            @jakarta.ws.rs.QueryParam("on-word-of") String onWordOf) {
        if (!"$withdraw".equals(operation)) {
            throw ApiException.notFound();
        }
        return service.withdraw(id, null, onWordOf)
                .map(w -> Response.ok(outcomes.encode(ConsentFhirMapper.toFhir(w.consent()))).build());
    }
}
