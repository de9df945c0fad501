package uk.safeguarding.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The persistence rule of docs/ARCHITECTURE.md: a class that serves HTTP (annotated with JAX-RS {@code @Path})
 * holds no SQL. Its statements live in its feature's repository, which takes the caller's {@code SqlClient}
 * so the resource still decides the transaction. Source-based, so it names the file and line to fix.
 */
class ResourcesHoldNoSqlTest {

    private static final Path SOURCES = Path.of("src/main/java");

    /** A JAX-RS resource: {@code @Path} on the class or a method (never the java.nio type). */
    private static final Pattern RESOURCE = Pattern.compile("@(jakarta\\.ws\\.rs\\.)?Path\\(");

    /** Running a statement on a SqlClient, Pool, transaction or connection. */
    private static final Pattern CALL = Pattern.compile("\\.(preparedQuery|query|executeBatch)\\s*\\(");

    /** SQL text in a string literal or text block. */
    private static final Pattern SQL = Pattern.compile(
            "(?is)\\b(SELECT\\s+.+?\\s+FROM|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|ON\\s+CONFLICT)\\b");

    private static final Pattern LITERAL = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);

    @Test
    void resourceClassesHoldNoSql() throws IOException {
        List<String> offences = new ArrayList<>();
        int resources = 0;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = withoutComments(Files.readString(file));
                if (RESOURCE.matcher(code).find()) {
                    resources++;
                    offences.addAll(offences(SOURCES.relativize(file).toString(), code));
                }
            }
        }
        assertTrue(resources >= 30, "the scan found the resource classes (" + resources + ")");
        assertEquals(List.of(), offences, "resource classes hold no SQL: move it to the feature's repository");
    }

    /** The rule can fail: each kind of offence it looks for is caught, and a clean resource passes. */
    @Test
    void theRuleCatchesEachKindOfOffence() {
        assertFalse(offences("A.java", "class A { Uni<?> f() { return tx.preparedQuery(s).execute(t); } }").isEmpty());
        assertFalse(offences("A.java", "class A { Uni<?> f() { return pool.query(s).execute(); } }").isEmpty());
        assertFalse(offences("A.java", "class A { String s = \"SELECT id FROM child WHERE x = $1\"; }").isEmpty());
        assertFalse(offences("A.java", "class A { String s = \"\"\"\n  INSERT INTO t (a)\n  VALUES ($1)\n\"\"\"; }").isEmpty());
        assertFalse(offences("A.java", "class A { String s = \"UPDATE placement SET status = $2\"; }").isEmpty());
        assertEquals(List.of(), offences("A.java",
                "class A { Uni<?> f() { return repository.find(tx, id).map(r -> \"Select a period\"); } }"));
        assertEquals(List.of(), offences("A.java", withoutComments("class A { // SELECT x FROM y\n }")));
    }

    static List<String> offences(String file, String code) {
        List<String> found = new ArrayList<>();
        Matcher call = CALL.matcher(code);
        while (call.find()) {
            found.add(file + ":" + line(code, call.start()) + " runs a statement (." + call.group(1) + ")");
        }
        Matcher literal = LITERAL.matcher(code);
        while (literal.find()) {
            String text = literal.group(1) != null ? literal.group(1) : literal.group(2);
            if (SQL.matcher(text).find()) {
                found.add(file + ":" + line(code, literal.start()) + " holds SQL text");
            }
        }
        return found;
    }

    private static int line(String code, int offset) {
        return (int) code.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    /** Comments blanked (line breaks kept, so line numbers hold); string literals left alone. */
    static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                end = end < 0 ? code.length() : end + 3;
                out.append(code, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < code.length() && code.charAt(j) != c) {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, code.length());
                out.append(code, i, j);
                i = j;
            } else if (code.startsWith("//", i)) {
                while (i < code.length() && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                end = end < 0 ? code.length() : end + 2;
                code.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
