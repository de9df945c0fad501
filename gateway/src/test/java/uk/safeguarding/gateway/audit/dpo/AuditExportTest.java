package uk.safeguarding.gateway.audit.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTestSupport.Entry;
import uk.safeguarding.gateway.audit.AuditTrail;

/** The FHIR and CSV exports, the FHIR one checked by HAPI's own instance validator. */
@QuarkusTest
class AuditExportTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static FhirValidator validator;

    @Inject
    AuditTrail trail;

    private Instant from;
    private Instant to;
    private UUID child;

    /**
     * Four different kinds of record in the DPO's scope (Tower Hamlets' own actions, or disclosures of
     * its information) in a time window of their own, and one out of scope that no format may carry.
     */
    @BeforeEach
    void seed() {
        from = Instant.parse("2001-01-01T00:00:00Z").plusSeconds((long) (Math.random() * 300_000_000L));
        to = from.plusSeconds(60);
        child = AuditTestSupport.child("https://fhir.nhs.uk/Id/nhs-number", "9" + (System.nanoTime() % 1_000_000_000L));
        Entry.permit().at(from.plusSeconds(1)).child(child).categories("identity", "risk").owners("la:E09000030").record(trail);
        Entry.permit().at(from.plusSeconds(2)).client().agency("la:E09000030").denied("NOT_FOUND").child(child).record(trail);
        Entry.permit().at(from.plusSeconds(3)).child(child).categories("placement").purpose("MISSING-RESPONSE")
                .owners("la:E09000030").override("=cmd|' /C calc'!A0, child at immediate risk", "sup-123").record(trail);
        Entry.permit().at(from.plusSeconds(4)).agency("la:E09000030").action("POST ReferralResource.create").record(trail);
        // Out of scope: the Met reading information Lancashire contributed.
        Entry.permit().at(from.plusSeconds(5)).child(child).categories("identity").owners("la:E10000017").record(trail);
    }

    private Response export(String format, String more) {
        return AuditTestSupport.dpo().when().get("/api/v1/audit/export?format=" + format + "&from=" + from + "&to=" + to + more);
    }

    private static synchronized FhirValidator validator() {
        if (validator == null) {
            ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR),
                    new CommonCodeSystemsTerminologyService(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                    new SnapshotGeneratingValidationSupport(FHIR));
            validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }

    @Test
    void theFhirExportIsABundleOfAuditEventsThatHapisValidatorAccepts() {
        Response response = export("fhir", "");
        response.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("application/fhir+json"));
        String json = response.asString();

        ValidationResult result = validator().validateWithResult(json);
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL).toList();
        assertTrue(errors.isEmpty(), errors.stream().map(m -> m.getLocationString() + " " + m.getMessage())
                .collect(Collectors.joining("\n")));

        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, json);
        assertEquals(Bundle.BundleType.SEARCHSET, bundle.getType());
        assertEquals(4, bundle.getEntry().size());
        // Newest first, like the search.
        AuditEvent create = (AuditEvent) bundle.getEntry().get(0).getResource();
        assertEquals("create", create.getSubtypeFirstRep().getCode());
        assertEquals(AuditEvent.AuditEventAction.C, create.getAction());

        AuditEvent override = (AuditEvent) bundle.getEntry().get(1).getResource();
        assertEquals("rest", override.getType().getCode());
        assertEquals("MISSING-RESPONSE", override.getPurposeOfEventFirstRep().getCodingFirstRep().getCode());
        AuditEvent.AuditEventAgentComponent requestor = override.getAgentFirstRep();
        assertTrue(requestor.getRequestor());
        assertNotNull(requestor.getWho().getIdentifier().getValue());
        assertEquals("practitioner", requestor.getRoleFirstRep().getCodingFirstRep().getCode());
        assertEquals("192.0.2.10", requestor.getNetwork().getAddress());
        AuditEvent.AuditEventEntityComponent patient = override.getEntity().stream()
                .filter(e -> "1".equals(e.getRole().getCode())).findFirst().orElseThrow();
        assertEquals(child.toString(), patient.getWhat().getIdentifier().getValue());
        assertTrue(override.getEntity().stream().flatMap(e -> e.getDetail().stream())
                .anyMatch(d -> d.getType().equals("overrideApprover")));

        AuditEvent denied = (AuditEvent) bundle.getEntry().get(2).getResource();
        assertEquals(AuditEvent.AuditEventOutcome._4, denied.getOutcome());
        assertEquals("NOT_FOUND", denied.getOutcomeDesc());
        assertEquals("110153", denied.getAgentFirstRep().getType().getCodingFirstRep().getCode(), "a system client");
    }

    @Test
    void pagesFollowTheNextLink() {
        Response first = export("fhir", "&limit=3");
        first.then().statusCode(200).header("Link", org.hamcrest.Matchers.containsString("rel=\"next\""));
        Bundle page1 = FHIR.newJsonParser().parseResource(Bundle.class, first.asString());
        assertEquals(3, page1.getEntry().size());
        String next = page1.getLink("next").getUrl();
        // Followed verbatim, as a FHIR client does (the link is already encoded).
        Bundle page2 = FHIR.newJsonParser().parseResource(Bundle.class, AuditTestSupport.dpo().urlEncodingEnabled(false).when().get(next)
                .then().statusCode(200).extract().asString());
        assertEquals(1, page2.getEntry().size());
        assertEquals(null, page2.getLink("next"));
    }

    @Test
    void theCsvExportHasEveryColumnAndDefusesFormulas() {
        String csv = export("csv", "").then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals(AuditCsv.HEADER, lines[0]);
        assertEquals(5, lines.length, csv);
        assertTrue(csv.contains("\"'=cmd|' /C calc'!A0, child at immediate risk\""), csv);
        assertTrue(lines[2].contains(",MISSING-RESPONSE,"), lines[2]);
        assertTrue(lines[4].contains(",identity;risk,"), lines[4]);
    }

    @Test
    void theJsonExportIsTheSearchPageInScope() {
        var page = export("json", "").then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("application/json"))
                .extract().jsonPath();
        assertEquals(4, page.getList("items").size());
        assertEquals(List.of("la:E09000030", "police:met", "la:E09000030", "police:met"), page.getList("items.actor.agency"));
    }

    @Test
    void anUnknownFormatIsNamed() {
        export("pdf", "").then().statusCode(400).body("errors[0].field", org.hamcrest.Matchers.equalTo("format"));
    }
}
