package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.referral.ReferralValidator;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The published profiles and the gateway's own intake agree: every example the FHIR intake accepts
 * validates against the package, and every one it rejects fails validation, except the checks that
 * depend on runtime data, listed by name in {@link #RUNTIME_ONLY} and each shown to be exactly that.
 */
@QuarkusTest
class ProfileAgreementTest {

    static final String REFERRAL = Capabilities.REFERRAL_PROFILE;
    static final String CHILD = Capabilities.CHILD_PROFILE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXT = "https://safeguarding.example/fhir/StructureDefinition/";

    /** A rule of the intake and the mutation of an accepted ServiceRequest that breaks only it. */
    record Case(String rule, Consumer<ObjectNode> mutation) {
    }

    /** Rules no profile can express: they depend on the token, the directory, the protocols or earlier requests. */
    static final List<Case> RUNTIME_ONLY = List.of(
            new Case("REQUESTER_AGENCY_MISMATCH (the token's agency)", sr -> agency(sr.with("requester"), "police:lancashire")),
            new Case("UNKNOWN_HOME_COUNCIL (the partnership directory)", sr -> agency((ObjectNode) sr.withArray("performer").get(0), "la:E99999999")),
            new Case("CATEGORY_NOT_REFERABLE (the protocols: police may not refer health)", sr -> note(sr, "health", "Seen at A&E twice.")));
    /** Also runtime-only, exercised elsewhere: signatory status (TokenRejectionTest), idempotency (ReferralApiTest), body size (BadInputCorpusTest). */
    static final List<String> RUNTIME_ONLY_ELSEWHERE = List.of("AGENCY_NOT_SIGNATORY", "AGENCY_REVOKED",
            "IDEMPOTENCY_KEY_REUSED", "BODY_TOO_LARGE");

    static final List<Case> REJECTED = List.of(
            new Case("DATE_OF_BIRTH_REQUIRED", sr -> child(sr).remove("birthDate")),
            new Case("DATE_OF_BIRTH_IN_FUTURE", sr -> child(sr).put("birthDate", LocalDate.now().plusYears(1).toString())),
            new Case("NOT_A_CHILD", sr -> child(sr).put("birthDate", LocalDate.now().minusYears(30).toString())),
            new Case("DATE_INVALID (partial date)", sr -> child(sr).put("birthDate", "2011-04")),
            new Case("NHS_NUMBER_CHECK_DIGIT", sr -> {
                ObjectNode id = (ObjectNode) child(sr).withArray("identifier").get(0);
                String v = id.get("value").asText();
                id.put("value", v.substring(0, 9) + ((v.charAt(9) - '0' + 1) % 10));
            }),
            new Case("IDENTIFIER_REQUIRED", sr -> child(sr).remove("identifier")),
            new Case("IDENTIFIER_REQUIRED (a local identifier without system)", sr -> child(sr).putArray("identifier").addObject().put("value", "X1")),
            new Case("REQUIRED /requesterAgency", sr -> sr.remove("requester")),
            new Case("CODED_VALUE /homeCouncil (none)", sr -> sr.remove("performer")),
            new Case("SINGLE_HOME_COUNCIL", sr -> sr.withArray("performer").add(sr.withArray("performer").get(0).deepCopy())),
            new Case("CODED_VALUE /homeCouncil (not a council)", sr -> agency((ObjectNode) sr.withArray("performer").get(0), "police:met")),
            new Case("REQUIRED /riskLevel", sr -> removeExtension(sr, "risk-level")),
            new Case("CODED_VALUE /riskLevel", sr -> extension(sr, "risk-level").put("valueCode", "extreme")),
            new Case("REQUIRED /concernCategories", sr -> sr.remove("reasonCode")),
            new Case("CODED_VALUE /concernCategories (unknown code)", sr -> reason(sr).put("code", "gossip")),
            new Case("CODED_VALUE /concernCategories (other system)", sr -> reason(sr).put("system", "http://example.org/cs")),
            new Case("NOTE_SECTION_REQUIRED (none)", sr -> ((ObjectNode) sr.withArray("note").get(2)).remove("extension")),
            new Case("NOTE_SECTION_REQUIRED (unknown section)", sr -> section(sr, 2).put("valueCode", "gossip")),
            new Case("DUPLICATE_SECTION", sr -> section(sr, 2).put("valueCode", "summary")),
            new Case("REQUIRED /summary", sr -> sr.withArray("note").remove(0)),
            new Case("CODED_VALUE /policeIntelligence/handlingCode (none)", sr -> ((ArrayNode) sr.withArray("note").get(1).get("extension")).remove(2)),
            new Case("CODED_VALUE /policeIntelligence/handlingCode", sr -> ((ObjectNode) sr.withArray("note").get(1).get("extension").get(2)).put("valueCode", "X")),
            new Case("CODED_VALUE /policeIntelligence/grading", sr -> ((ObjectNode) sr.withArray("note").get(1).get("extension").get(1)).put("valueCode", "4Z")),
            new Case("TOO_LONG /requesterContact", sr -> extension(sr, "requester-contact").put("valueString", "x".repeat(201))),
            new Case("TOO_LONG /child/givenName", sr -> ((ArrayNode) child(sr).withArray("name").get(0).get("given")).set(0, "x".repeat(201))));

    private static String token() {
        return TestTokens.forAgency("police:met").roles("practitioner").subject("profile-agreement").sign();
    }

    private static ObjectNode accepted() throws Exception {
        return (ObjectNode) JSON.readTree(Fixtures.load("../fhir/service-request-police.json", Fixtures.nhsNumber()));
    }

    private static Response post(JsonNode sr) {
        return given().auth().oauth2(token()).header("Purpose-Of-Use", "SAFEGUARDING").contentType("application/fhir+json")
                .body(sr.toString()).when().post("/fhir/ServiceRequest");
    }

    /** The client's local verdict: the ServiceRequest against the referral profile, its child against the child profile. */
    static List<String> localErrors(JsonNode sr) throws Exception {
        List<String> errors = new ArrayList<>(PublishedPackage.errors(sr.toString(), REFERRAL));
        for (JsonNode contained : sr.path("contained")) {
            errors.addAll(PublishedPackage.errors(contained.toString(), CHILD));
        }
        return errors;
    }

    @Test
    void whatTheIntakeAcceptsValidatesAgainstThePackage() throws Exception {
        for (String fixture : List.of("../fhir/service-request-police.json")) {
            ObjectNode sr = (ObjectNode) JSON.readTree(Fixtures.load(fixture, Fixtures.nhsNumber()));
            assertEquals(List.of(), localErrors(sr), fixture);
            assertEquals(201, post(sr).statusCode(), fixture);
        }
    }

    @Test
    void whatTheIntakeRejectsFailsValidationToo() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (Case c : REJECTED) {
            ObjectNode sr = accepted();
            c.mutation().accept(sr);
            int status = post(sr).statusCode();
            List<String> local = localErrors(sr);
            if (status != 400 || local.isEmpty()) {
                disagreements.add(c.rule() + ": gateway " + status + ", local errors " + local);
            } else {
                System.out.printf("[profile-agreement] %s: gateway 400, locally %s%n", c.rule(), local.get(0));
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @Test
    void theRuntimeOnlyChecksAreExactlyThat() throws Exception {
        for (Case c : RUNTIME_ONLY) {
            ObjectNode sr = accepted();
            c.mutation().accept(sr);
            assertEquals(List.of(), localErrors(sr), c.rule() + " should pass the profiles");
            int status = post(sr).statusCode();
            assertTrue(status == 400 || status == 403, c.rule() + ": the gateway answered " + status);
        }
    }

    @Test
    void theValueSetsListTheCodesTheGatewayChecks() throws Exception {
        assertEquals(new TreeSet<>(ReferralValidator.CONCERN_CATEGORIES), codes("concern-category"));
        assertEquals(new TreeSet<>(ReferralValidator.RISK_LEVELS), codes("risk-level"));
        assertEquals(new TreeSet<>(ReferralValidator.HANDLING_CODES), codes("handling-code"));
    }

    private static Set<String> codes(String id) throws Exception {
        var cs = (org.hl7.fhir.r4.model.CodeSystem) PublishedPackage.npm().fetchCodeSystem(
                "https://safeguarding.example/fhir/CodeSystem/" + id);
        ValueSet vs = (ValueSet) PublishedPackage.npm().fetchValueSet("https://safeguarding.example/fhir/ValueSet/" + id);
        assertEquals(cs.getUrl(), vs.getCompose().getIncludeFirstRep().getSystem());
        Set<String> codes = new TreeSet<>();
        cs.getConcept().forEach(c -> codes.add(c.getCode()));
        return codes;
    }

    // ------------------------------------------------------------------ mutations

    static ObjectNode child(ObjectNode sr) {
        return (ObjectNode) sr.withArray("contained").get(0);
    }

    static void agency(ObjectNode reference, String agency) {
        reference.with("identifier").put("value", agency);
    }

    static ObjectNode extension(ObjectNode sr, String id) {
        for (JsonNode e : sr.withArray("extension")) {
            if ((EXT + id).equals(e.path("url").asText())) {
                return (ObjectNode) e;
            }
        }
        throw new IllegalArgumentException(id);
    }

    static void removeExtension(ObjectNode sr, String id) {
        ArrayNode extensions = sr.withArray("extension");
        for (int i = 0; i < extensions.size(); i++) {
            if ((EXT + id).equals(extensions.get(i).path("url").asText())) {
                extensions.remove(i);
                return;
            }
        }
    }

    static ObjectNode reason(ObjectNode sr) {
        return (ObjectNode) sr.withArray("reasonCode").get(0).get("coding").get(0);
    }

    static ObjectNode section(ObjectNode sr, int note) {
        return (ObjectNode) sr.withArray("note").get(note).get("extension").get(0);
    }

    static void note(ObjectNode sr, String section, String text) {
        ObjectNode note = sr.withArray("note").addObject();
        note.putArray("extension").addObject().put("url", EXT + "note-section").put("valueCode", section);
        note.put("text", text);
    }
}
