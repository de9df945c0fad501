package uk.safeguarding.protocol.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.protocol.load.ProtocolLintException;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.load.ProtocolSet;

/**
 * One deliberately broken file per lint check, each proving that the linter names the file, the line
 * of the offending token and the rule. Every file differs from {@code valid/lint-fixture.yaml} (which
 * lints clean) by one edit, so exactly one finding is expected.
 */
class LintTest {

    static final LocalDate AS_OF = LocalDate.of(2026, 3, 10);

    static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(LintTest.class.getClassLoader().getResource(name)).toURI());
    }

    @ParameterizedTest(name = "{0}:{1}: [{2}]")
    @CsvSource(textBlock = """
            # file,                       line, rule
            yaml-syntax.yaml,              14, yaml-syntax
            unknown-key.yaml,              17, unknown-key
            wrong-type.yaml,               17, wrong-type
            missing-field.yaml,             2, missing-field
            empty-when.yaml,               21, missing-field
            duplicate-key.yaml,            23, duplicate-key
            invalid-value.yaml,            23, invalid-value
            invalid-threshold.yaml,        30, invalid-value
            effect-field-mismatch.yaml,    34, effect-field-mismatch
            unknown-agency.yaml,           12, unknown-agency
            unknown-agency-type.yaml,      19, unknown-agency-type
            unknown-category.yaml,         22, unknown-category
            unknown-purpose.yaml,          22, unknown-purpose
            unknown-lawful-basis.yaml,     24, unknown-lawful-basis
            unknown-role.yaml,             19, unknown-role
            unknown-action.yaml,           17, unknown-action
            unknown-relationship.yaml,     20, unknown-relationship
            unknown-event.yaml,            28, unknown-event
            unknown-case-role.yaml,        29, unknown-case-role
            unknown-case-date.yaml,        30, unknown-case-date
            undeclared-category.yaml,      21, undeclared-category
            undeclared-lawful-basis.yaml,  24, undeclared-lawful-basis
            owner-not-signatory.yaml,       7, owner-not-signatory
            unusable-rule.yaml,            19, unusable-rule
            contradictory-rules.yaml,      26, contradictory-rules
            consent-basis-mismatch.yaml,   24, consent-basis-mismatch
            missing-source.yaml,           15, missing-source
            duty-without-deadline.yaml,    27, duty-without-deadline
            duty-without-escalation.yaml,  27, duty-without-escalation
            invalid-deadline.yaml,         30, invalid-deadline
            protocol-expired.yaml,          8, protocol-expired
            protocol-ending-soon.yaml,      8, protocol-ending-soon
            invalid-date-range.yaml,        8, invalid-date-range
            duplicate-clause-id.yaml,      27, duplicate-clause-id
            duplicate-protocol-id,          2, duplicate-protocol-id
            missing-file,                   3, missing-file
            standing-without-confirmation.yaml, 40, standing-without-confirmation
            confirmation-without-duty.yaml, 39, confirmation-without-duty
            duplicate-standing.yaml,       40, duplicate-standing
            partnership-without-lead-dpo.yaml, 36, partnership-without-lead-dpo
            lead-dpo-not-signatory.yaml,    8, lead-dpo-not-signatory
            partnership-role-not-lead-dpo.yaml, 31, partnership-role-not-lead-dpo
            basis-not-for-agency-type.yaml, 24, basis-not-for-agency-type
            basis-before-commencement.yaml, 25, basis-before-commencement
            """)
    void eachBrokenFileIsReportedWithFileLineAndRule(String name, int line, String rule) throws Exception {
        ProtocolLoader.Result result = lint(name);
        assertEquals(1, result.findings().size(), "exactly one finding expected, got " + result.findings());
        LintFinding f = result.findings().get(0);
        assertEquals(rule, f.rule().code());
        assertEquals(line, f.line());
        String file = name.equals("duplicate-protocol-id") ? "second.yaml" : name.equals("missing-file") ? "index.txt" : name;
        assertEquals(file, f.file());
        assertTrue(f.toString().startsWith(file + ":" + line + ": "), f.toString());
        assertTrue(f.toString().contains("[" + rule + "]"), f.toString());
    }

    private static ProtocolLoader.Result lint(String name) throws URISyntaxException {
        if (name.equals("missing-file")) {
            return ProtocolLoader.lintClasspath("broken/missing-file/index.txt", AS_OF);
        }
        Path p = resource("broken/" + name);
        return Files.isDirectory(p) ? ProtocolLoader.lintDirectory(p, AS_OF) : ProtocolLoader.lintFiles(List.of(p), AS_OF);
    }

    @Test
    void theFixtureTheBrokenFilesComeFromIsClean() throws Exception {
        assertEquals(List.of(), ProtocolLoader.lintFiles(List.of(resource("valid/lint-fixture.yaml")), AS_OF).findings());
    }

    /** Keeps the table honest: every lint rule has a broken file, and every broken file is in the table. */
    @Test
    void everyLintRuleAndEveryBrokenFileIsInTheTable() throws Exception {
        Method m = LintTest.class.getDeclaredMethod("eachBrokenFileIsReportedWithFileLineAndRule", String.class, int.class, String.class);
        List<String[]> rows = Arrays.stream(m.getAnnotation(CsvSource.class).textBlock().split("\n"))
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> Arrays.stream(l.split(",")).map(String::strip).toArray(String[]::new)).toList();
        Set<String> tabled = rows.stream().map(r -> r[2]).collect(Collectors.toCollection(TreeSet::new));
        Set<String> all = Arrays.stream(LintRule.values()).map(LintRule::code).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(all, tabled);
        Set<String> files;
        try (Stream<Path> s = Files.list(resource("broken"))) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, rows.stream().map(r -> r[0]).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void shippedProtocolsLintClean() {
        ProtocolLoader.Result r = ProtocolLoader.lintClasspath(ProtocolLoader.SHIPPED_INDEX, AS_OF);
        assertEquals(List.of(), r.findings());
        assertEquals(11, r.protocols().size());
    }

    @Test
    void aWrongShippedFileStopsTheLoadWithFileLineAndRule(@TempDir Path dir) throws Exception {
        Path src = Path.of("src/main/resources/protocols");
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Path oap = dir.resolve("out-of-area-placement.yaml");
        List<String> lines = new ArrayList<>(Files.readAllLines(oap));
        int at = -1;
        for (int i = 0; i < lines.size() && at < 0; i++) {
            if (lines.get(i).contains("categories: [identity, placement, health]")) {
                lines.set(i, lines.get(i).replace("health]", "helth]"));
                at = i + 1;
            }
        }
        assertTrue(at > 0, "fixture line not found");
        Files.write(oap, lines);
        ProtocolLintException e = assertThrows(ProtocolLintException.class, () -> ProtocolLoader.loadDirectory(dir, AS_OF));
        assertTrue(e.getMessage().startsWith("out-of-area-placement.yaml:" + at + ": [unknown-category] category 'helth' is not one of "),
                e.getMessage());
    }

    @Test
    void shippedProtocolsExpireAfterTheirEndDate() throws IOException {
        ProtocolLintException e = assertThrows(ProtocolLintException.class, () -> ProtocolLoader.loadShipped(LocalDate.of(2029, 1, 2)));
        assertEquals(11, e.errors().size(), e.getMessage());
        List<String> firstLines = e.getMessage().lines().toList();
        assertTrue(firstLines.get(0).matches("children-missing-education\\.yaml:\\d+: \\[protocol-expired\\] .*"), firstLines.get(0));
        assertTrue(e.errors().stream().allMatch(f -> f.rule() == LintRule.PROTOCOL_EXPIRED));
    }

    @Test
    void endingSoonIsAWarningThatDoesNotStopTheLoad() {
        ProtocolSet set = ProtocolLoader.loadShipped(LocalDate.of(2028, 11, 1));
        assertEquals(11, set.warnings().size());
        assertTrue(set.warnings().stream().allMatch(w -> w.rule() == LintRule.PROTOCOL_ENDING_SOON));
    }

    @Test
    void theIndexListsEveryShippedProtocol() throws IOException {
        Path dir = Path.of("src/main/resources/protocols");
        Set<String> onDisk;
        try (Stream<Path> s = Files.list(dir)) {
            onDisk = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("vocabulary.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> indexed = Files.readAllLines(dir.resolve("index.txt")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(onDisk, indexed);
    }

    @Test
    void everyShippedClauseCitesASource() {
        ProtocolSet set = ProtocolLoader.loadShipped(AS_OF);
        set.protocols().forEach(p -> {
            p.rules().forEach(r -> assertTrue(r.citation() != null && r.citation().length() > 10, p.clauseRef(r.id())));
            p.duties().forEach(d -> assertTrue(d.citation() != null && d.citation().length() > 10, p.clauseRef(d.id())));
        });
    }
}
