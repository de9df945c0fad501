package uk.safeguarding.gateway.fhir;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.Authenticated;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.consent.BundleConsents;
import uk.safeguarding.gateway.consent.BundleConsents.BundleConsent;
import uk.safeguarding.gateway.limits.StrictUtf8;
import uk.safeguarding.gateway.problem.ApiException;
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
@Path("/fhir")
@Produces(OperationOutcomes.FHIR_JSON)
public class ReferralFhirResource {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final String REDACTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    private final ReferralService service;
    private final FhirIntake intake;
    private final OperationOutcomes outcomes;
    private final BundleConsents bundleConsents;
    private final FhirContext fhir;

    ReferralFhirResource(ReferralService service, FhirIntake intake, OperationOutcomes outcomes,
            BundleConsents bundleConsents, FhirContext fhir) {
        this.bundleConsents = bundleConsents;
        this.fhir = fhir;
        this.service = service;
        this.intake = intake;
        this.outcomes = outcomes;
    }

    @POST
    @Path("/ServiceRequest")
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<Response> create(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey, @Context UriInfo uri) {
        ServiceRequest sr = intake.parse(ServiceRequest.class, StrictUtf8.decode(body, "ServiceRequest"));
        Referral referral = ReferralFhirMapper.fromServiceRequest(sr, null);
        return service.create(referral, idempotencyKey, "fhir").map(created -> created(created, uri));
    }

    /**
     * A transaction Bundle: one Patient, one ServiceRequest whose subject references it, and optional
     * supporting Flag and DocumentReference entries ({@link TransactionIntake}).
     */
    @POST
    @Consumes({OperationOutcomes.FHIR_JSON, MediaType.APPLICATION_JSON})
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<Response> transaction(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Context UriInfo uri) {
        Bundle bundle = intake.parse(Bundle.class, StrictUtf8.decode(body, "Bundle"));
        TransactionIntake.Submission submission = TransactionIntake.read(fhir, bundle);
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

    @GET
    @Path("/ServiceRequest/{id}")
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<Response> read(@PathParam("id") UUID id) {
        return service.read(id).map(view -> Response.ok(outcomes.encode(toFhir(fhir, view))).build());
    }

    /** Search by the child's identifier ({@code system|value}), and optionally status and date. */
    @GET
    @Path("/ServiceRequest")
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<Response> search(@QueryParam("subject:Patient.identifier") String typedIdentifier,
            @QueryParam("subject.identifier") String identifier, @QueryParam("status") String status,
            @QueryParam("date") List<String> dates, @Context UriInfo uri) {
        String token = typedIdentifier != null ? typedIdentifier : identifier;
        if (token == null || !token.contains("|") || token.startsWith("|") || token.endsWith("|")) {
            throw ApiException.badRequest("subject:Patient.identifier", "SEARCH_IDENTIFIER_REQUIRED",
                    "Search by the child's identifier as system|value, e.g. " + ChildIndex.NHS_NUMBER + "|9434765919.");
        }
        if (status != null && !List.of("active", "completed").contains(status)) {
            throw ApiException.badRequest("status", "CODED_VALUE", "status is active or completed.");
        }
        Instant from = null;
        Instant to = null;
        for (String date : dates) {
            Instant[] range = range(date);
            from = range[0] != null && (from == null || range[0].isAfter(from)) ? range[0] : from;
            to = range[1] != null && (to == null || range[1].isBefore(to)) ? range[1] : to;
        }
        int bar = token.indexOf('|');
        return service.search(token.substring(0, bar), token.substring(bar + 1), from, to).map(found -> {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
            bundle.addLink().setRelation("self").setUrl(uri.getRequestUri().toString());
            for (ReferralViews.Read view : found) {
                ServiceRequest sr = toFhir(fhir, view);
                if (status != null && !status.equals(sr.getStatus().toCode())) {
                    continue;
                }
                bundle.addEntry().setFullUrl(uri.getBaseUriBuilder().path("fhir/ServiceRequest/" + view.id()).build().toString())
                        .setResource(sr).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
            }
            bundle.setTotal(bundle.getEntry().size());
            return Response.ok(outcomes.encode(bundle)).build();
        });
    }

    /** Any verified token, no purpose: the statement says what the server does, nothing about a child. */
    @GET
    @Path("/metadata")
    @Authenticated
    @NoPurposeRequired
    @Blocking
    public Response metadata() {
        return Response.ok(outcomes.encode(capabilityStatement())).build();
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
        boolean open = view.recipients().stream().anyMatch(r -> r.status().equals("PENDING") || r.status().equals("ACKNOWLEDGED"));
        sr.setStatus(open || view.recipients().isEmpty() ? ServiceRequest.ServiceRequestStatus.ACTIVE
                : ServiceRequest.ServiceRequestStatus.COMPLETED);
        if (!view.redactedCategories().isEmpty() || view.referral().child() == null) {
            sr.setMeta(new Meta().addSecurity(REDACTED_SYSTEM, "REDACTED", "redacted"));
        }
        return sr;
    }

    /** A FHIR date search value with an optional prefix, as a [from, to) range of London days. */
    static Instant[] range(String value) {
        String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
        String date = prefix.equals("eq") && !value.startsWith("eq") ? value : value.substring(2);
        LocalDate day;
        try {
            day = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("date", "SEARCH_DATE", "Use a date YYYY-MM-DD with an optional prefix eq, ge, gt, le, lt.");
        }
        Instant start = day.atStartOfDay(LONDON).toInstant();
        Instant next = day.plusDays(1).atStartOfDay(LONDON).toInstant();
        return switch (prefix) {
            case "eq" -> new Instant[] {start, next};
            case "ge" -> new Instant[] {start, null};
            case "gt" -> new Instant[] {next, null};
            case "le" -> new Instant[] {null, next};
            case "lt" -> new Instant[] {null, start};
            default -> throw ApiException.badRequest("date", "SEARCH_DATE", "Unknown date prefix " + prefix + ".");
        };
    }

    static CapabilityStatement capabilityStatement() {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(new Date());
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.getSoftware().setName("Safeguarding information-sharing gateway").setVersion("0.1.0");
        cs.getImplementation().setDescription("Referrals (ServiceRequest) routed by multi-agency safeguarding protocols");
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service").setCode("OAuth");
        rest.getSecurity().setDescription("Bearer token from the 'safeguarding' Keycloak realm, and a Purpose-Of-Use "
                + "header (SAFEGUARDING, CARE-PLANNING, INVESTIGATION, MISSING-RESPONSE, DPO-REVIEW, SAR) on every call "
                + "but this one. Reads are redacted per caller by the protocol decision.");
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("One Patient and one ServiceRequest (subject = the Patient's fullUrl), plus optional "
                        + "Flag and DocumentReference entries about that Patient, each with one category in "
                        + TransactionIntake.CATEGORY_SYSTEM + " (returned contained in the ServiceRequest's supportingInfo "
                        + "to readers released that category), and at most one Consent (patient = the Patient's fullUrl).");
        CapabilityStatement.CapabilityStatementRestResourceComponent sr = rest.addResource();
        sr.setType("ServiceRequest");
        sr.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.CREATE)
                .setDocumentation("Subject Patient contained (#child). Idempotency-Key header supported.");
        sr.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
        sr.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        sr.setVersioning(CapabilityStatement.ResourceVersionPolicy.NOVERSION);
        sr.setReadHistory(false);
        sr.setUpdateCreate(false);
        sr.addSearchParam().setName("subject:Patient.identifier").setType(Enumerations.SearchParamType.TOKEN)
                .setDocumentation("Required: the child's identifier as system|value, e.g. " + ChildIndex.NHS_NUMBER + "|9434765919.");
        sr.addSearchParam().setName("status").setType(Enumerations.SearchParamType.TOKEN)
                .setDocumentation("active (some recipient has not decided) or completed.");
        sr.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE)
                .setDocumentation("authoredOn, by day, prefixes eq ge gt le lt.");
        uk.safeguarding.gateway.consent.ConsentFhirResource.describe(rest.addResource());
        return cs;
    }

}
