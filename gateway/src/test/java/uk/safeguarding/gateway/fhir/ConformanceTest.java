package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The published conformance resources as a FHIR client meets them: reads and searches open to any
 * valid token (no role, no purpose of use; without a token only health and metrics answer), a
 * CapabilityStatement that names the profiles and passes HAPI's validator, and a referral built from
 * the profiles alone that validates locally and is accepted on its first try.
 */
@QuarkusTest
class ConformanceTest {

    @TestHTTPResource("/fhir")
    URL fhirBase;

    @Test
    void conformanceResourcesNeedOnlyATokenAndAreSearchableByUrl() {
        for (String path : List.of("/fhir/metadata", "/fhir/StructureDefinition/safeguarding-referral",
                "/fhir/StructureDefinition", "/fhir/package.tgz", "/fhir/ImplementationGuide/safeguarding-gateway")) {
            given().when().get(path).then().statusCode(401);
        }
        given().auth().oauth2(PublishedPackage.token()).when().get("/fhir/StructureDefinition/safeguarding-referral").then().statusCode(200)
                .contentType(startsWith("application/fhir+json")).body("url", equalTo(Capabilities.REFERRAL_PROFILE))
                .body("snapshot.element.size()", org.hamcrest.Matchers.greaterThan(50));
        given().auth().oauth2(PublishedPackage.token()).queryParam("url", Capabilities.CHILD_PROFILE).when().get("/fhir/StructureDefinition").then().statusCode(200)
                .body("resourceType", equalTo("Bundle")).body("total", equalTo(1)).body("entry[0].resource.id", equalTo("child-patient"));
        given().auth().oauth2(PublishedPackage.token()).when().get("/fhir/CodeSystem/concern-category").then().statusCode(200).body("concept.size()", equalTo(12));
        given().auth().oauth2(PublishedPackage.token()).queryParam("url", "https://safeguarding.example/fhir/ValueSet/risk-level").when().get("/fhir/ValueSet")
                .then().statusCode(200).body("total", equalTo(1));
        given().auth().oauth2(PublishedPackage.token()).when().get("/fhir/ImplementationGuide/safeguarding-gateway").then().statusCode(200)
                .body("packageId", equalTo(Capabilities.PACKAGE_ID));
        given().auth().oauth2(PublishedPackage.token()).when().get("/fhir/StructureDefinition/no-such-profile").then().statusCode(404)
                .body("resourceType", equalTo("OperationOutcome"));
        given().auth().oauth2(PublishedPackage.token()).when().get("/fhir/package.tgz").then().statusCode(200).contentType(startsWith("application/gzip"));
    }

    @Test
    void theCapabilityStatementNamesTheProfilesAndPassesHapisValidator() throws Exception {
        String json = given().auth().oauth2(PublishedPackage.token()).when().get("/fhir/metadata").then().statusCode(200).extract().asString();
        CapabilityStatement cs = PublishedPackage.FHIR.newJsonParser().parseResource(CapabilityStatement.class, json);
        assertEquals(List.of(Capabilities.IMPLEMENTATION_GUIDE), cs.getImplementationGuide().stream().map(CanonicalType::getValue).toList());
        var sr = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("ServiceRequest")).findFirst().orElseThrow();
        assertEquals(List.of(Capabilities.REFERRAL_PROFILE), sr.getSupportedProfile().stream().map(CanonicalType::getValue).toList());
        assertEquals(List.of("subject", "status", "authored", "_lastUpdated", "_count"),
                sr.getSearchParam().stream().map(p -> p.getName()).toList());
        List<String> errors = PublishedPackage.errors(json, "http://hl7.org/fhir/StructureDefinition/CapabilityStatement");
        assertEquals(List.of(), errors);
        // One version, the build's: the CapabilityStatement's software and the OpenAPI document's info.
        String openApiVersion = given().queryParam("format", "json").when().get("/q/openapi").then().extract().path("info.version");
        assertEquals(cs.getSoftware().getVersion(), openApiVersion);
        assertTrue(openApiVersion.matches("\\d+\\.\\d+\\.\\d+.*"), openApiVersion);
    }

    /**
     * A client that knows its own agency, the child's home council and the child, and reads everything
     * else from the published package: the profile named by the CapabilityStatement, its fixed systems,
     * its extension slices and their bindings, and the constraints' text (a summary note is required).
     */
    @Test
    void aReferralBuiltFromTheProfilesAloneIsAcceptedOnTheFirstTry() throws Exception {
        IGenericClient client = PublishedPackage.FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(
                TestTokens.forAgency("police:met").roles("practitioner").subject("first-try").sign()));
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        String profileUrl = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("ServiceRequest"))
                .findFirst().orElseThrow().getSupportedProfile().get(0).getValue();
        var npm = PublishedPackage.npm();
        StructureDefinition profile = (StructureDefinition) npm.fetchStructureDefinition(profileUrl);
        StructureDefinition childProfile = (StructureDefinition) npm.fetchStructureDefinition(
                element(profile, "ServiceRequest.subject").getTypeFirstRep().getTargetProfile().get(0).getValue());

        Patient child = new Patient();
        child.setId("child");
        child.addIdentifier().setSystem(((UriType) element(childProfile, "Patient.identifier:nhsNumber.system").getFixed()).getValue())
                .setValue(Fixtures.nhsNumber());
        child.addName().setFamily("Test").addGiven("Amira");
        child.getBirthDateElement().setValueAsString("2011-04-02");

        ServiceRequest sr = new ServiceRequest();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.addContained(child);
        sr.setSubject(new Reference("#child"));
        String agencySystem = ((UriType) element(profile, "ServiceRequest.requester.identifier.system").getFixed()).getValue();
        sr.getRequester().getIdentifier().setSystem(agencySystem).setValue("police:met");
        sr.addPerformer().getIdentifier().setSystem(agencySystem).setValue("la:E09000030");
        sr.addExtension(slicedExtension(npm, profile, "ServiceRequest.extension:riskLevel", "high"));
        ElementDefinition reason = element(profile, "ServiceRequest.reasonCode");
        sr.addReasonCode().addCoding().setSystem(system(npm, reason.getBinding().getValueSet())).setCode("neglect");
        sr.addNote().setText("Often hungry at school and left alone for days.")
                .addExtension(slicedExtension(npm, profile, "ServiceRequest.note.extension:section", "summary"));

        assertEquals(List.of(), ProfileAgreementTest.localErrors(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(PublishedPackage.FHIR.newJsonParser().encodeResourceToString(sr))));
        AdditionalRequestHeadersInterceptor headers = new AdditionalRequestHeadersInterceptor();
        headers.addHeaderValue("Purpose-Of-Use", "SAFEGUARDING");
        client.registerInterceptor(headers);
        MethodOutcome outcome = client.create().resource(sr).execute();
        assertTrue(Boolean.TRUE.equals(outcome.getCreated()), "created on the first try");
    }

    private static ElementDefinition element(StructureDefinition sd, String id) {
        return sd.getSnapshot().getElement().stream().filter(e -> e.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(sd.getUrl() + " has no element " + id));
    }

    /** The extension a slice names, with a code its required binding allows (checked against the CodeSystem). */
    private static Extension slicedExtension(org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport npm,
            StructureDefinition profile, String sliceId, String code) {
        String url = element(profile, sliceId).getTypeFirstRep().getProfile().get(0).getValue();
        StructureDefinition extension = (StructureDefinition) npm.fetchStructureDefinition(url);
        String system = system(npm, element(extension, "Extension.value[x]").getBinding().getValueSet());
        CodeSystem cs = (CodeSystem) npm.fetchCodeSystem(system);
        assertTrue(cs.getConcept().stream().anyMatch(c -> c.getCode().equals(code)), code + " in " + system);
        return new Extension(url, new CodeType(code));
    }

    private static String system(org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport npm, String valueSet) {
        return ((ValueSet) npm.fetchValueSet(valueSet)).getCompose().getIncludeFirstRep().getSystem();
    }
}
