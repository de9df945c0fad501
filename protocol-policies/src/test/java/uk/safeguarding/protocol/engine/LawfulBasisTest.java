package uk.safeguarding.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.model.Vocabulary;

/** A decision carries the Art 6 basis of each released category and, for special categories, its Art 9 condition. */
class LawfulBasisTest {

    static PolicyEngine engine;

    @BeforeAll
    static void load() {
        engine = new PolicyEngine(ProtocolLoader.loadShipped(LocalDate.of(2026, 3, 10)));
    }

    private static Decision read(String agency, String role, Set<String> kinds, String consent, String... categories) {
        return engine.decide(DecisionRequest.builder(Actor.of(agency, Set.of(role), "u-1")).action("read")
                .relationships(kinds).categories(categories).purpose("CARE-PLANNING")
                .consent(ConsentState.fromCode(consent)).at(Instant.parse("2026-03-10T10:00:00Z")).build());
    }

    @Test
    void healthToTheAllocatedWorkerIsPublicTaskWithTheSafeguardingCondition() {
        Decision d = read("la:E09000030", "practitioner", Set.of("allocated-case", "placing-authority"), "not-sought",
                "identity", "health");
        assertEquals(List.of("identity", "health"), d.permittedCategories());
        assertEquals(Map.of("identity", "ukgdpr-6-1-e", "health", "ukgdpr-6-1-e"), d.article6ByCategory());
        assertEquals(Map.of("health", "ukgdpr-9-2-g+dpa-sch1-p18"), d.article9ByCategory());
        assertEquals("ukgdpr-6-1-e, ukgdpr-9-2-g+dpa-sch1-p18", d.recordedBasis(), "what the audit trail records");
    }

    @Test
    void healthToTheProviderWithConsentIsConsentUnderBothArticles() {
        Decision d = read("provider:SC123456", "provider", Set.of("provider"), "granted", "health");
        assertEquals(Map.of("health", "consent"), d.article6ByCategory());
        assertEquals(Map.of("health", "consent"), d.article9ByCategory());
        assertEquals("consent", d.recordedBasis());
    }

    @Test
    void aDenialCarriesNoBasis() {
        Decision d = read("la:E09000030", "practitioner", Set.of("placing-authority"), "not-sought", "health");
        assertEquals(Map.of(), d.article6ByCategory());
        assertEquals(Map.of(), d.article9ByCategory());
        assertEquals(null, d.recordedBasis());
    }

    @Test
    void recognisedLegitimateInterestIsForProvidersAndCharitiesFromItsCommencement() {
        Vocabulary.LawfulBasis ea = engine.vocabulary().lawfulBases().get("ukgdpr-6-1-ea");
        assertEquals(LocalDate.of(2026, 2, 5), ea.validFrom());
        assertEquals(List.of("provider", "vcs"), ea.agencyTypes());
        assertEquals(false, ea.special());
    }
}
