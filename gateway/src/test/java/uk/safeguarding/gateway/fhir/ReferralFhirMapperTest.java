package uk.safeguarding.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.gateway.referral.Referral;

/** JSON to FHIR and back is lossless for every field the JSON API defines. */
class ReferralFhirMapperTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();

    static Referral fixture(String name) throws Exception {
        try (InputStream in = ReferralFhirMapperTest.class.getClassLoader().getResourceAsStream("referral/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${nhsNumber}", "9434765919");
            return JSON.readValue(text, Referral.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"police-cse.json", "council-health.json", "victim-blaming.json", "every-field.json"})
    void jsonToFhirToJsonIsLossless(String name) throws Exception {
        Referral original = fixture(name);
        String fhirJson = FHIR.newJsonParser().encodeResourceToString(ReferralFhirMapper.toServiceRequest(original));
        ServiceRequest parsed = new FhirIntake(FHIR).parse(ServiceRequest.class, fhirJson);
        Referral back = ReferralFhirMapper.fromServiceRequest(parsed, null);
        assertEquals(original, back, fhirJson);
        assertEquals(JSON.writeValueAsString(original), JSON.writeValueAsString(back));
    }

    @ParameterizedTest
    @ValueSource(strings = {"every-field.json"})
    void theEveryFieldFixtureReallySetsEveryField(String name) throws Exception {
        Referral r = fixture(name);
        for (var component : Referral.class.getRecordComponents()) {
            assertTrue(component.getAccessor().invoke(r) != null, component.getName() + " is null in " + name);
        }
        for (var component : Referral.Child.class.getRecordComponents()) {
            assertTrue(component.getAccessor().invoke(r.child()) != null, "child." + component.getName());
        }
        for (var component : Referral.Intelligence.class.getRecordComponents()) {
            assertTrue(component.getAccessor().invoke(r.policeIntelligence()) != null, "intelligence." + component.getName());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/requesterAgency", "/requesterContact", "/homeCouncil", "/riskLevel", "/concernCategories",
            "/concernCategories/3", "/summary", "/health", "/policeIntelligence", "/policeIntelligence/text",
            "/policeIntelligence/grading", "/policeIntelligence/handlingCode", "/education", "/missing", "/placement",
            "/child", "/child/birthDate", "/child/nhsNumber", "/child/localIdentifier", "/child/postcode"})
    void everyPointerTheChecksNameHasAFhirPath(String pointer) {
        String path = ReferralFhirMapper.expressionFor(pointer);
        assertNotEquals(pointer, path);
        assertTrue(path.startsWith("ServiceRequest") || path.startsWith("Patient"), path);
    }

    @org.junit.jupiter.api.Test
    void aRedactedReferralHasAMaskedSubjectAndNoContent() {
        Referral full = new Referral("police:met", null, "la:E09000030",
                new Referral.Child("9434765919", null, "A", "B", "2011-01-01"), "high", List.of("neglect"), "text",
                "health", null, null, null, null);
        ServiceRequest sr = ReferralFhirMapper.toServiceRequest(full.redactedTo(java.util.Set.of("risk")));
        assertTrue(sr.getContained().isEmpty());
        assertEquals("masked", sr.getSubject().getExtensionByUrl(ReferralFhirMapper.DATA_ABSENT_REASON).getValue().primitiveValue());
        assertEquals(1, sr.getNote().size());
    }
}
