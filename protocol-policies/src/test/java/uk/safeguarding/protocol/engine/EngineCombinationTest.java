package uk.safeguarding.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Effect;

/** The combination rules of {@link PolicyEngine}, as truth tables over {@code combination/combination-fixture.yaml}. */
class EngineCombinationTest {

    static final Instant AT = Instant.parse("2026-03-10T10:00:00Z");
    static final String JUSTIFICATION = "Child at immediate risk tonight; identity needed to locate her before the strategy meeting.";
    static PolicyEngine engine;

    @BeforeAll
    static void load() throws URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(EngineCombinationTest.class.getClassLoader().getResource("combination")).toURI());
        engine = new PolicyEngine(ProtocolLoader.loadDirectory(dir, LocalDate.of(2026, 3, 10)));
    }

    static String ref(String clause) {
        return "combination-fixture@1.0.0#" + clause;
    }

    /**
     * One category (identity): an explicit deny beats every permit; otherwise any satisfied permit
     * grants; an override is used only when no plain permit applies (and only then flags the DPO);
     * otherwise the nearest failure gives the code.
     */
    @ParameterizedTest(name = "roles={0} consent={1} override={2} missing={3} -> {4} {5} {6}")
    @CsvSource(textBlock = """
            # roles,                 consent,    override, missing, effect, reasons,                           code,                             dpo flag
            practitioner,            granted,    false,    false,   PERMIT, p-consent p-override,              -,                                false
            practitioner,            not-sought, false,    false,   DENY,   p-override,                        OVERRIDE_JUSTIFICATION_REQUIRED,  false
            practitioner,            not-sought, true,     false,   PERMIT, p-override,                        -,                                true
            practitioner,            refused,    true,     false,   DENY,   p-override,                        OVERRIDE_APPROVAL_REQUIRED,       false
            supervisor,              not-sought, false,    false,   PERMIT, p-supervisor,                      -,                                false
            practitioner supervisor, not-sought, true,     false,   PERMIT, p-supervisor,                      -,                                false
            practitioner supervisor, granted,    false,    false,   PERMIT, p-consent p-override p-supervisor, -,                                false
            supervisor,              granted,    false,    true,    DENY,   d-missing,                         EXPLICIT_DENY,                    false
            practitioner,            granted,    true,     true,    DENY,   d-missing,                         EXPLICIT_DENY,                    false
            dpo,                     granted,    false,    false,   DENY,   p-consent,                         NO_MATCHING_RULE,                 false
            """)
    void rulesCombinePerCategory(String roles, String consent, boolean override, boolean missing, Effect effect,
            String reasons, String code, boolean dpoFlag) {
        DecisionRequest r = DecisionRequest.builder(Actor.of("police:met", Set.of(roles.split(" ")), "pc-1"))
                .relationships("home-police").categories("identity").purpose("SAFEGUARDING")
                .consent(ConsentState.fromCode(consent)).missing(missing).at(AT)
                .override(override ? new ConsentOverride(JUSTIFICATION, "ukgdpr-6-1-e", null) : null)
                .build();
        Decision d = engine.decide(r);
        assertEquals(effect, d.effect());
        assertEquals(Arrays.stream(reasons.split(" ")).map(EngineCombinationTest::ref).collect(Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(d.reasons()));
        assertEquals("-".equals(code) ? null : DenialCode.valueOf(code), d.denialCode());
        assertEquals(dpoFlag, d.has(Obligation.Type.FLAG_DPO_REVIEW));
        if (effect == Effect.DENY) {
            assertEquals(ref(reasons.split(" ")[0]), d.rule());
        }
    }

    /**
     * Several categories: each is decided alone; the decision is PERMIT when at least one is released,
     * and lists what was withheld and why.
     */
    @ParameterizedTest(name = "{0} with {1} -> {2} {3} withheld {4}")
    @CsvSource(textBlock = """
            # categories,        relationship, effect, permitted,     withheld,                                rule
            identity risk,       home-police,  PERMIT, identity risk, -,                                       p-supervisor
            identity risk,       host-police,  PERMIT, identity,      risk=NO_RELATIONSHIP,                    p-supervisor
            identity health,     home-police,  PERMIT, identity,      health=EXPLICIT_DENY,                    p-supervisor
            health,              home-police,  DENY,   -,             health=EXPLICIT_DENY,                    d-health
            risk,                host-police,  DENY,   -,             risk=NO_RELATIONSHIP,                    p-risk
            education,           home-police,  DENY,   -,             education=NO_MATCHING_RULE,              default-deny
            health risk,         host-police,  DENY,   -,             health=EXPLICIT_DENY risk=NO_RELATIONSHIP, d-health
            """)
    void categoriesAreDecidedSeparately(String categories, String relationship, Effect effect, String permitted,
            String withheld, String rule) {
        DecisionRequest r = DecisionRequest.builder(Actor.of("police:met", Set.of("supervisor"), "sgt-1"))
                .relationships(relationship).categories(categories.split(" ")).purpose("SAFEGUARDING").at(AT).build();
        Decision d = engine.decide(r);
        assertEquals(effect, d.effect());
        assertEquals("-".equals(permitted) ? List.of() : List.of(permitted.split(" ")), d.permittedCategories());
        Map<String, DenialCode> expected = new LinkedHashMap<>();
        if (!"-".equals(withheld)) {
            for (String kv : withheld.split(" ")) {
                expected.put(kv.split("=")[0], DenialCode.valueOf(kv.split("=")[1]));
            }
        }
        assertEquals(expected, d.withheld());
        assertEquals(rule.equals("default-deny") ? Decision.DEFAULT_DENY : ref(rule), d.rule());
    }

    @Test
    void aPermitCarriesNoDenialCodeAndADenialCarriesNothingToRelease() {
        Decision permit = engine.decide(DecisionRequest.builder(Actor.of("police:met", Set.of("supervisor"), "s"))
                .categories("identity").relationships("home-police").purpose("SAFEGUARDING").at(AT).build());
        assertNull(permit.denialCode());
        assertEquals("ukgdpr-6-1-e", permit.lawfulBasis());
        Decision deny = engine.decide(DecisionRequest.builder(Actor.of("police:met", Set.of("supervisor"), "s"))
                .categories("health").relationships("home-police").purpose("SAFEGUARDING").at(AT).build());
        assertTrue(deny.permittedCategories().isEmpty() && deny.obligations().isEmpty());
        assertNull(deny.lawfulBasis());
    }

    @Test
    void signatoryMembershipEndsOnItsLastDayInLondonTime() {
        // 23:00 UTC on 30 June is already 1 July in London (BST)
        assertTrue(engine.isSignatory("la:E10000017", Instant.parse("2026-06-30T22:59:00Z")));
        assertFalse(engine.isSignatory("la:E10000017", Instant.parse("2026-06-30T23:00:00Z")));
        assertTrue(engine.isSignatory("police:met", Instant.parse("2026-06-30T23:00:00Z")));
        assertFalse(engine.isSignatory("police:lancashire", AT));
        DecisionRequest after = DecisionRequest.builder(Actor.of("la:E10000017", Set.of("practitioner"), "sw"))
                .categories("identity").relationships("host-council").purpose("SAFEGUARDING")
                .at(Instant.parse("2026-07-01T09:00:00Z")).build();
        Decision d = engine.decide(after);
        assertEquals(DenialCode.NOT_SIGNATORY, d.denialCode());
        assertEquals(Decision.SIGNATORY_CHECK, d.rule());
    }

    @Test
    void theJustificationMinimumIsConfigurable() throws URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(getClass().getClassLoader().getResource("combination")).toURI());
        PolicyEngine lenient = new PolicyEngine(ProtocolLoader.loadDirectory(dir, LocalDate.of(2026, 3, 10)), 10);
        DecisionRequest r = DecisionRequest.builder(Actor.of("police:met", Set.of("practitioner"), "pc-1"))
                .categories("identity").relationships("home-police").purpose("SAFEGUARDING").at(AT)
                .override(new ConsentOverride("Child at risk tonight", "ukgdpr-6-1-e", null)).build();
        assertEquals(Effect.DENY, engine.decide(r).effect());
        assertEquals(DenialCode.OVERRIDE_JUSTIFICATION_REQUIRED, engine.decide(r).denialCode());
        assertEquals(Effect.PERMIT, lenient.decide(r).effect());
    }
}
