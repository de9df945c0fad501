package uk.safeguarding.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IJsonLikeParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tree FhirIntake compares is the tree HAPI's JSON text reads back as, or the text route is taken. */
class TreeJsonWriterTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String resource(String name) throws Exception {
        try (InputStream in = TreeJsonWriterTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode tree(IBaseResource resource) throws Exception {
        TreeJsonWriter writer = new TreeJsonWriter();
        ((IJsonLikeParser) FHIR.newJsonParser()).encodeResourceToJsonLikeWriter(resource, writer);
        return writer.root();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fhir/transaction-bundle.json", "fhir/warm-up-bundle.json", "fhir/service-request-police.json",
        "fhir/supporting-flag-entry.json", "fhir/supporting-document-entry.json"})
    void sameTreeAsTheTextReadBack(String name) throws Exception {
        String body = resource(name).replace("${nhsNumber}", "9434765919").replace("${category}", "risk")
                .replace("${subject}", "urn:uuid:6f1f0b9e-3c55-4a8e-9d1c-2b7f1d6a0c01").strip();
        if (body.startsWith("{\"fullUrl\"")) {
            // An entry on its own: sent inside a transaction Bundle.
            body = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + body.replaceAll(",$", "") + "]}";
        }
        IBaseResource parsed = FHIR.newJsonParser().parseResource(body);
        JsonNode text = JSON.readTree(FHIR.newJsonParser().encodeResourceToString(parsed));
        JsonNode tree = tree(parsed);
        assertNotNull(tree);
        assertNull(FhirIntake.firstDifference(text, tree, "x"));
        assertNull(FhirIntake.firstDifference(tree, text, "x"));
        assertEquals(text, tree);
    }

    @org.junit.jupiter.api.Test
    void decimalsTakeTheTextRoute() {
        Observation obs = new Observation();
        obs.setValue(new Quantity().setValueElement(new org.hl7.fhir.r4.model.DecimalType(new BigDecimal("1.50"))));
        assertThrows(TreeJsonWriter.Unsupported.class, () -> tree(obs));
        assertNotNull(new Bundle());
    }
}
