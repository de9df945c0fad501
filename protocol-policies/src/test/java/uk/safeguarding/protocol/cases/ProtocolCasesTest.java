package uk.safeguarding.protocol.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.Effect;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.SharingRule;

/**
 * Walks {@code src/test/resources/cases/<protocol>/*.yaml} and runs each file as one test: adding a
 * case is adding a file. Also checks the cases cover every shipped rule both ways.
 */
class ProtocolCasesTest {

    static final LocalDate AS_OF = LocalDate.of(2026, 3, 10);
    static final int MINIMUM_CASES = 80;

    private static PolicyEngine engine;
    private static ProtocolSet set;

    @BeforeAll
    static void load() {
        set = ProtocolLoader.loadShipped(AS_OF);
        engine = new PolicyEngine(set);
    }

    static Path casesRoot() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ProtocolCasesTest.class.getClassLoader().getResource("cases")).toURI());
    }

    static List<Path> caseFiles() throws IOException, URISyntaxException {
        Path root = casesRoot();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static List<CaseFile> allCases() throws IOException, URISyntaxException {
        Path root = casesRoot();
        List<CaseFile> out = new ArrayList<>();
        for (Path p : caseFiles()) {
            out.add(CaseFile.parse(p, root.relativize(p).toString()));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> cases() throws IOException, URISyntaxException {
        Path root = casesRoot();
        // no file URI as test source: surefire 3.5 then drops the dynamic tests' results, failures included
        return caseFiles().stream().map(p -> DynamicTest.dynamicTest(root.relativize(p).toString(), () -> {
            CaseFile c = CaseFile.parse(p, root.relativize(p).toString());
            check(c, engine.decide(c.request()));
        }));
    }

    static void check(CaseFile c, Decision d) {
        String where = c.name() + " (" + c.description() + ")\n  got " + d + "\n  ";
        CaseFile.Expect e = c.expect();
        assertEquals(e.decision(), d.effect(), where + "decision");
        assertEquals(new LinkedHashSet<>(e.permitted()), new LinkedHashSet<>(d.permittedCategories()), where + "permitted categories");
        assertEquals(new TreeSet<>(e.reasons()), new TreeSet<>(d.reasons()), where + "reasons");
        assertEquals(e.code(), d.denialCode(), where + "denial code");
        if (e.rule() != null) {
            assertEquals(e.rule(), d.rule(), where + "deciding rule");
        }
        if (e.lawfulBasis() != null) {
            assertEquals(e.lawfulBasis(), d.lawfulBasis(), where + "lawful basis");
        }
        if (e.withheld() != null) {
            assertEquals(e.withheld(), d.withheld(), where + "withheld categories");
        }
        if (e.obligations() != null) {
            Set<Obligation.Type> got = new LinkedHashSet<>();
            d.obligations().forEach(o -> got.add(o.type()));
            assertEquals(e.obligations(), got, where + "obligation types");
        }
        if (d.effect() == Effect.DENY) {
            // a denial never carries anything to release or act on
            assertTrue(d.permittedCategories().isEmpty() && d.obligations().isEmpty() && d.lawfulBasis() == null, where);
        }
    }

    @Test
    void thereAreEnoughCases() throws Exception {
        assertTrue(caseFiles().size() >= MINIMUM_CASES, "only " + caseFiles().size() + " cases; at least " + MINIMUM_CASES);
    }

    /**
     * Every permit rule is shown permitting (its clause in a PERMIT case's reasons) and refusing (a
     * DENY case names it as the deciding rule, in its reasons, or in {@code covers}). Every deny rule is
     * shown denying, and shown not over-reaching: a PERMIT case for its action releases one of its
     * categories, or redacts just that category.
     */
    @Test
    void everyRuleHasAPermitAndADenyCase() throws Exception {
        List<CaseFile> cases = allCases();
        List<String> missing = new ArrayList<>();
        for (Protocol p : set.protocols()) {
            for (SharingRule r : p.rules()) {
                String ref = p.clauseRef(r.id());
                boolean permitShown;
                boolean denyShown = cases.stream().anyMatch(c -> c.expect().decision() == Effect.DENY
                        && (ref.equals(c.expect().rule()) || c.expect().reasons().contains(ref) || c.covers().contains(ref)));
                if (r.isDeny()) {
                    denyShown |= cases.stream().anyMatch(c -> c.expect().reasons().contains(ref));
                    permitShown = cases.stream().anyMatch(c -> c.expect().decision() == Effect.PERMIT
                            && r.actions().contains(c.request().action())
                            && c.request().categories().stream().anyMatch(r.categories()::contains));
                } else {
                    permitShown = cases.stream().anyMatch(c -> c.expect().decision() == Effect.PERMIT
                            && c.expect().reasons().contains(ref));
                }
                if (!permitShown) {
                    missing.add(ref + " has no PERMIT case");
                }
                if (!denyShown) {
                    missing.add(ref + " has no DENY case");
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void coversNamesOnlyRealClauses() throws Exception {
        Set<String> refs = new HashSet<>();
        set.protocols().forEach(p -> p.rules().forEach(r -> refs.add(p.clauseRef(r.id()))));
        for (CaseFile c : allCases()) {
            for (String ref : c.covers()) {
                assertTrue(refs.contains(ref), c.name() + " covers unknown clause " + ref);
            }
        }
    }

    @Test
    void unknownFieldInACaseFailsIt(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("typo.yaml");
        Files.writeString(f, String.join("\n",
                "description: expectation with a typo must not pass silently",
                "request:",
                "  actor: {agency: 'police:met', roles: [practitioner]}",
                "  action: read",
                "  categories: [identity]",
                "  purpose: SAFEGUARDING",
                "  at: 2026-03-10T10:00:00Z",
                "expect:",
                "  decision: DENY",
                "  code: NO_RELATIONSHIP",
                "  reasons: []",
                "  reson: [oops]"));
        CaseFile.CaseFormatException e = assertThrows(CaseFile.CaseFormatException.class, () -> CaseFile.parse(f, "typo.yaml"));
        assertTrue(e.getMessage().contains("unknown field 'reson'"), e.getMessage());
    }

    @Test
    void aWrongExpectationFails(@TempDir Path dir) throws IOException {
        // the runner must be able to fail: a case claiming the host police may not read placement
        Path f = dir.resolve("wrong.yaml");
        Files.writeString(f, String.join("\n",
                "description: wrong on purpose",
                "request:",
                "  actor: {agency: 'police:lancashire', roles: [practitioner]}",
                "  action: read",
                "  relationships: [host-police]",
                "  categories: [placement]",
                "  purpose: SAFEGUARDING",
                "  at: 2026-03-10T10:00:00Z",
                "expect:",
                "  decision: DENY",
                "  code: NO_RELATIONSHIP",
                "  reasons: []"));
        CaseFile c = CaseFile.parse(f, "wrong.yaml");
        assertThrows(AssertionError.class, () -> check(c, engine.decide(c.request())));
    }
}
