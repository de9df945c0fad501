package uk.safeguarding.gateway.consent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/** FHIR R4 Consent through HAPI's own IGenericClient, and raw HTTP for the error paths. */
@QuarkusTest
class ConsentFhirTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String FHIR_JSON = "application/fhir+json";

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private IGenericClient client(String agency) {
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(
                TestTokens.forAgency(agency).roles("practitioner").subject(agency + "-fhir").sign()));
        AdditionalRequestHeadersInterceptor headers = new AdditionalRequestHeadersInterceptor();
        headers.addHeaderValue("Purpose-Of-Use", "SAFEGUARDING");
        client.registerInterceptor(headers);
        return client;
    }

    /** A Gillick-competent child permits health to the police for safeguarding. */
    static Consent consent(String nhs) {
        Consent c = new Consent();
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setPatient(new Reference().setIdentifier(new Identifier().setSystem(ConsentApiTest.NHS).setValue(nhs)));
        c.addPerformer(new Reference().setType("Patient"));
        c.addExtension(new Extension(ConsentFhirMapper.EXT_CONSENT_BASIS, new CodeType("gillick-competent")));
        c.getProvision().setPeriod(new Period().setStart(new Date(0)));
        Consent.ProvisionComponent p = c.getProvision().addProvision().setType(Consent.ConsentProvisionType.PERMIT);
        p.addClass_(new Coding(ConsentFhirMapper.CATEGORY_SYSTEM, "health", null));
        p.addActor().setReference(new Reference().setIdentifier(new Identifier()
                .setSystem(ConsentFhirMapper.AGENCY_TYPE_SYSTEM).setValue("police")));
        p.addPurpose(new Coding(ConsentFhirMapper.PURPOSE_SYSTEM, "SAFEGUARDING", null));
        return c;
    }

    static String bundle(String nhs) {
        try (InputStream in = ConsentFhirTest.class.getClassLoader().getResourceAsStream("fhir/transaction-bundle.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${nhsNumber}", nhs);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void createReadSearchAndWithdrawThroughTheGenericClient() {
        String nhs = Fixtures.nhsNumber();
        ConsentApiTest.refer(nhs);
        MethodOutcome created = client("la:E09000030").create().resource(consent(nhs)).execute();
        String id = created.getId().getIdPart();
        Consent read = client("la:E09000030").read().resource(Consent.class).withId(id).execute();
        assertEquals(Consent.ConsentState.ACTIVE, read.getStatus());
        assertEquals(nhs, read.getPatient().getIdentifier().getValue());
        assertEquals("Patient", read.getPerformerFirstRep().getType());
        assertEquals("gillick-competent", read.getExtensionByUrl(ConsentFhirMapper.EXT_CONSENT_BASIS).getValue().primitiveValue());
        assertEquals("health", read.getProvision().getProvisionFirstRep().getClass_().get(0).getCode());
        assertEquals(Consent.ConsentProvisionType.PERMIT, read.getProvision().getProvisionFirstRep().getType());

        Bundle found = client("police:met").search().forResource(Consent.class)
                .where(Consent.PATIENT.hasChainedProperty(Patient.IDENTIFIER.exactly().systemAndIdentifier(ConsentApiTest.NHS, nhs)))
                .returnBundle(Bundle.class).execute();
        assertEquals(1, found.getTotal());
        assertEquals(id, found.getEntryFirstRep().getResource().getIdElement().getIdPart());
        Bundle none = client("police:lancashire").search().forResource(Consent.class)
                .where(Consent.PATIENT.hasChainedProperty(Patient.IDENTIFIER.exactly().systemAndIdentifier(ConsentApiTest.NHS, nhs)))
                .returnBundle(Bundle.class).execute();
        assertEquals(0, none.getTotal(), "an agency with no relationship finds nothing");
        org.junit.jupiter.api.Assertions.assertThrows(ResourceNotFoundException.class,
                () -> client("police:lancashire").read().resource(Consent.class).withId(id).execute());

        Consent withdrawn = client("la:E09000030").operation().onInstance(new IdType("Consent", id)).named("$withdraw")
                .withNoParameters(Parameters.class).returnResourceType(Consent.class).execute();
        assertEquals(Consent.ConsentState.INACTIVE, withdrawn.getStatus());
        assertEquals(Consent.ConsentState.INACTIVE,
                client("la:E09000030").read().resource(Consent.class).withId(id).execute().getStatus());
    }

    @Test
    void anInvalidConsentIsAnOperationOutcomeNamingTheElementAndRule() {
        String nhs = Fixtures.nhsNumber();
        ConsentApiTest.refer(nhs);
        Consent bad = consent(nhs);
        bad.getPerformerFirstRep().setType("Device");
        bad.getProvision().getProvisionFirstRep().getClass_().get(0).setCode("diary");
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("practitioner").sign()).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(FHIR.newJsonParser().encodeResourceToString(bad)).when().post("/fhir/Consent")
                .then().statusCode(400).contentType(containsString(FHIR_JSON)).body("resourceType", equalTo("OperationOutcome"))
                .body("issue.expression.flatten()", hasItem("Consent.performer.type"))
                .body("issue.details.coding.flatten().code", hasItem("CONSENTED_BY_TYPE"));
        Consent unknownCategory = consent(nhs);
        unknownCategory.getProvision().getProvisionFirstRep().getClass_().get(0).setCode("diary");
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("practitioner").sign()).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(FHIR.newJsonParser().encodeResourceToString(unknownCategory)).when().post("/fhir/Consent")
                .then().statusCode(400).body("issue.expression.flatten()", hasItem("Consent.provision.provision[0].class[0]"))
                .body("issue.details.coding.flatten().code", hasItem("UNKNOWN_CATEGORY"));
        assertEquals(0, Db.count("SELECT count(*) FROM consent WHERE identifier_value = ?", nhs));
    }

    @Test
    void aConsentEntryInAReferralTransactionIsStoredWithTheReferralAndApplies() {
        String nhs = Fixtures.nhsNumber();
        Bundle request = FHIR.newJsonParser().parseResource(Bundle.class, bundle(nhs));
        Consent c = consent(nhs);
        c.setPatient(new Reference("urn:uuid:6f1f0b9e-3c55-4a8e-9d1c-2b7f1d6a0c01"));
        request.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(c).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Consent");
        Bundle response = client("la:E10000017").transaction().withBundle(request).execute();
        assertEquals(3, response.getEntry().size());
        assertEquals("201 Created", response.getEntry().get(2).getResponse().getStatus());
        String consentId = response.getEntry().get(2).getResponse().getLocation().replace("Consent/", "");
        String referral = response.getEntry().get(1).getResponse().getLocation().replace("ServiceRequest/", "");
        assertEquals(1, Db.count("SELECT count(*) FROM consent WHERE id = ? AND identifier_value = ?", UUID.fromString(consentId), nhs));
        // The consent applies: the MASH police partner was routed, and reads, the health section.
        ServiceRequest police = client("police:met").read().resource(ServiceRequest.class).withId(referral).execute();
        assertTrue(police.getNote().stream().anyMatch(n -> n.getText().contains("sexual health")), "consent given: police see health");
        assertTrue(Db.query("SELECT reasons::text AS r FROM audit_event WHERE action = 'referral.create' AND resource_id = ?", referral)
                .get(0).get("r").toString().contains("consent:" + consentId), "the one audit record names the consent");

        // A Consent about someone else is refused, and nothing is stored.
        String other = Fixtures.nhsNumber();
        Bundle wrong = FHIR.newJsonParser().parseResource(Bundle.class, bundle(other));
        Consent elsewhere = consent(other);
        elsewhere.setPatient(new Reference("Patient/123"));
        wrong.addEntry().setResource(elsewhere).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Consent");
        given().auth().oauth2(TestTokens.forAgency("la:E10000017").roles("practitioner").sign()).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(FHIR.newJsonParser().encodeResourceToString(wrong)).when().post("/fhir")
                .then().statusCode(400).body("issue.expression.flatten()", hasItem("Bundle.entry[2].resource.patient"));
        assertFalse(Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", other) > 0, "nothing half-written");
    }
}
