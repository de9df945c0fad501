package uk.safeguarding.protocol.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.protocol.lint.LintFinding;
import uk.safeguarding.protocol.lint.LintRule;

/** Protocol files are trusted configuration, but a malformed or hostile one must fail lint, not the JVM. */
class ReaderSafetyTest {

    private static List<LintFinding> lint(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return ProtocolLoader.lintFiles(List.of(f), LocalDate.of(2026, 3, 10)).findings();
    }

    @Test
    void anAliasBombIsRefused(@TempDir Path dir) throws IOException {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *").append(p)
                    .append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        List<LintFinding> f = lint(dir, "bomb.yaml", y.toString());
        assertEquals(LintRule.YAML_SYNTAX, f.get(0).rule(), f.toString());
    }

    @Test
    void twoDocumentsInOneFileAreRefused(@TempDir Path dir) throws IOException {
        List<LintFinding> f = lint(dir, "two.yaml", "protocol: a\n---\nprotocol: b\n");
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).message().contains("exactly one YAML document"), f.toString());
    }

    @Test
    void aListAtTheTopIsASchemaErrorNotACrash(@TempDir Path dir) throws IOException {
        List<LintFinding> f = lint(dir, "list.yaml", "- protocol: a\n");
        assertEquals(List.of("list.yaml:1: [wrong-type] protocol must be a mapping (key: value)"), f.stream().map(Object::toString).toList());
    }

    @Test
    void javaTagsAreNeverInstantiated(@TempDir Path dir) throws IOException {
        // SnakeYAML 2 refuses global tags while composing, before any constructor could see them
        List<LintFinding> f = lint(dir, "tag.yaml", "protocol: !!javax.script.ScriptEngineManager [x]\n");
        assertEquals(1, f.size(), f.toString());
        assertEquals(LintRule.YAML_SYNTAX, f.get(0).rule());
        assertTrue(f.get(0).message().contains("Global tag is not allowed"), f.toString());
    }
}
