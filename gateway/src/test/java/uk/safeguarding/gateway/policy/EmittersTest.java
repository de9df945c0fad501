package uk.safeguarding.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.Duty;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.RelationshipRequirement;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.StandingClause;

/**
 * Every duty the shipped protocols declare is raised by gateway code, and every relationship kind they
 * rely on is created by it (emitters.yaml, checked against the source and the tests it names); writes
 * docs/DUTIES-COVERAGE.md and fails when the committed copy is stale.
 */
class EmittersTest {

    static final Path COVERAGE = Path.of("..", "docs", "DUTIES-COVERAGE.md");

    /**
     * Promises the shipped protocols make that no code keeps yet. Each must be listed here exactly (a
     * fixed one left in the list fails too), so the list only shrinks.
     */
    static final Set<String> KNOWN_GAPS = Set.of();

    private final Emitters emitters = Emitters.shipped();
    private final ProtocolSet shipped = ProtocolLoader.loadShipped();

    @Test
    void everyDeclaredDutyAndRelationshipKindHasAnEmitter() {
        List<String> gaps = emitters.gaps(shipped).stream().map(Emitters.Gap::what).toList();
        assertEquals(new TreeSet<>(KNOWN_GAPS), new TreeSet<>(gaps),
                "duties or relationship kinds with no emitter (add the emitter and list it in emitters.yaml)");
    }

    @Test
    void eachEmitterNamesWhatItEmitsAndEachProvingTestExists() throws Exception {
        List<String> wrong = new ArrayList<>();
        Map<String, Emitters.Emitter> all = new TreeMap<>(emitters.events());
        emitters.relationships().forEach((k, v) -> all.put("relationship " + k, v));
        for (Map.Entry<String, Emitters.Emitter> e : all.entrySet()) {
            Emitters.Emitter em = e.getValue();
            Class.forName(em.emitter());
            Path source = Path.of("src/main/java", em.emitter().replace('.', '/') + ".java");
            if (!Files.readString(source).contains("\"" + em.name() + "\"")) {
                wrong.add(e.getKey() + ": " + source + " does not name \"" + em.name() + "\"");
            }
            String[] test = em.test().split("#");
            if (test.length != 2) {
                wrong.add(e.getKey() + ": test must be Class#method, not " + em.test());
                continue;
            }
            try {
                Class.forName(test[0]).getDeclaredMethod(test[1]);
            } catch (ClassNotFoundException | NoSuchMethodException ex) {
                wrong.add(e.getKey() + ": no test " + em.test());
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void anExternalProtocolFolderWithADutyNothingRaisesIsRefusedNamingFileLineAndEvent(@TempDir Path dir) throws IOException {
        writeShipped(dir);
        String vocabulary = read("protocols/vocabulary.yaml")
                .replace("events:\n", "events:\n  never-raised: an event the gateway has no code for\n");
        Files.writeString(dir.resolve("vocabulary.yaml"), vocabulary);
        String risk = Files.readString(dir.resolve("risk-change.yaml"));
        assertTrue(risk.contains("event: risk-changed"));
        Files.writeString(dir.resolve("risk-change.yaml"), risk.replace("event: risk-changed", "event: never-raised"));

        ProtocolSet external = ProtocolLoader.loadDirectory(dir);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> emitters.requireNoGaps(external, dir.toString()));
        assertTrue(e.getMessage().contains("risk-change.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("event 'never-raised', which nothing in the gateway emits"), e.getMessage());
        
    }

    @Test
    void dutiesCoverageIsGeneratedAndCommitted() throws IOException {
        String generated = coverage();
        String committed = Files.exists(COVERAGE) ? Files.readString(COVERAGE) : "";
        if (!generated.equals(committed)) {
            Files.writeString(COVERAGE, generated);
            fail(COVERAGE + " was stale and has been regenerated: review and commit it");
        }
    }

    private String coverage() {
        StringBuilder md = new StringBuilder();
        md.append("# Duties coverage\n\n")
                .append("Generated by `EmittersTest` from the shipped protocols (`protocol-policies/src/main/resources/protocols/`) ")
                .append("and the gateway's emitter declaration (`gateway/src/main/resources/emitters.yaml`); do not edit by hand. ")
                .append("The test fails when a protocol declares a duty or a relationship kind that no gateway code emits, ")
                .append("when an emitter's source does not name what it emits, when a proving test does not exist, ")
                .append("and when this file is stale (it rewrites it: review and commit).\n\n");
        md.append("## Duties\n\n| duty | event | recipients | deadline | emitter | raised by | proved by |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Protocol p : shipped.protocols()) {
            for (Duty d : p.duties()) {
                Emitters.Emitter e = emitters.events().get(d.event());
                md.append("| `").append(p.clauseRef(d.id())).append("` | `").append(d.event()).append("` | ")
                        .append(String.join(", ", d.recipients())).append(" | ").append(d.deadline().describe()).append(" | ")
                        .append(e == null ? "**none**" : "`" + simple(e.emitter()) + "`").append(" | ")
                        .append(e == null ? "" : e.route().replace("|", "\\|")).append(" | ")
                        .append(e == null ? "**none**" : "`" + simple(e.test()) + "`").append(" |\n");
            }
        }
        Map<String, Set<String>> usedBy = new TreeMap<>();
        for (Protocol p : shipped.protocols()) {
            for (SharingRule r : p.rules()) {
                if (r.relationship().kind() == RelationshipRequirement.Kind.ONE_OF) {
                    r.relationship().kinds().forEach(k -> usedBy.computeIfAbsent(k, x -> new TreeSet<>()).add(p.clauseRef(r.id())));
                }
            }
            for (StandingClause s : p.standing()) {
                s.kinds().forEach(k -> usedBy.computeIfAbsent(k, x -> new TreeSet<>())
                        .add(p.clauseRef(s.id()) + " (" + s.event() + ")"));
            }
        }
        md.append("\n## Relationship kinds\n\n| kind | relied on by | created by | through | proved by |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        usedBy.forEach((kind, clauses) -> {
            Emitters.Emitter e = emitters.relationships().get(kind);
            md.append("| `").append(kind).append("` | ").append(String.join("<br>", clauses)).append(" | ")
                    .append(e == null ? "**none**" : "`" + simple(e.emitter()) + "`").append(" | ")
                    .append(e == null ? "" : e.route().replace("|", "\\|")).append(" | ")
                    .append(e == null ? "**none**" : "`" + simple(e.test()) + "`").append(" |\n");
        });
        return md.toString();
    }

    private static String simple(String qualified) {
        String[] parts = qualified.split("#");
        String cls = parts[0].substring(parts[0].lastIndexOf('.') + 1);
        return parts.length == 2 ? cls + "#" + parts[1] : cls;
    }

    private static Path writeShipped(Path dir) throws IOException {
        Files.createDirectories(dir);
        String index = read("protocols/index.txt");
        Files.writeString(dir.resolve("index.txt"), index);
        Files.writeString(dir.resolve("vocabulary.yaml"), read("protocols/vocabulary.yaml"));
        for (String file : index.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) {
            Files.writeString(dir.resolve(file), read("protocols/" + file));
        }
        return dir;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = EmittersTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
