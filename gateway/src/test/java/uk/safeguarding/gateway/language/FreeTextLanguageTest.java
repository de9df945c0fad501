package uk.safeguarding.gateway.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreeTextLanguageTest {

    @Test
    void everyStringValueIsNamedByItsPointer() {
        byte[] body = """
                {"level": "HIGH", "profile": {"associates": ["older boyfriend", "an aunt"], "n": 3}, "note": "x"}
                """.getBytes(StandardCharsets.UTF_8);
        assertEquals(Map.of("/level", "HIGH", "/profile/associates/0", "older boyfriend", "/profile/associates/1", "an aunt",
                "/note", "x"), FreeTextLanguage.textByPointer(body));
    }

    @Test
    void aBodyThatIsNotJsonIsLeftToItsRoute() {
        assertEquals(Map.of(), FreeTextLanguage.textByPointer("{\"a\": ".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theReferralIntakeAndFhirCheckThemselves() {
        assertFalse(FreeTextLanguage.checked("/api/v1/referrals", MediaType.APPLICATION_JSON_TYPE));
        assertFalse(FreeTextLanguage.checked("/api/v1/referrals/", MediaType.APPLICATION_JSON_TYPE));
        assertFalse(FreeTextLanguage.checked("/fhir/ServiceRequest", MediaType.valueOf("application/fhir+json")));
        assertTrue(FreeTextLanguage.checked("/api/v1/referrals/" + java.util.UUID.randomUUID() + "/decline",
                MediaType.APPLICATION_JSON_TYPE));
        assertTrue(FreeTextLanguage.checked("/api/v1/children/x/risk-assessments", MediaType.valueOf("application/merge-patch+json")));
        assertFalse(FreeTextLanguage.checked("/api/v1/children/x/risk-assessments", MediaType.TEXT_PLAIN_TYPE));
    }

    @Test
    void aPointerTheCallerChoseCannotSplitTheHeader() {
        assertEquals("/a%0D%0ASet-Cookie:%20x/%C3%A9%3B", LanguageWarnings.headerSafe("/a\r\nSet-Cookie: x/é;"));
    }
}
