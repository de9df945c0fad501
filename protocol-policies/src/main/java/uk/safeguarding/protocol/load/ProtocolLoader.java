package uk.safeguarding.protocol.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import uk.safeguarding.protocol.lint.Findings;
import uk.safeguarding.protocol.lint.LintFinding;
import uk.safeguarding.protocol.lint.LintRule;
import uk.safeguarding.protocol.lint.Linter;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Loads protocols and lints them; a set with lint errors is never returned. Shipped protocols are
 * found through {@code protocols/index.txt} because listing a classpath folder inside a jar is not
 * reliable. A directory may carry its own {@code vocabulary.yaml}; otherwise the shipped one is used.
 */
public final class ProtocolLoader {

    public static final String SHIPPED_INDEX = "protocols/index.txt";
    public static final String VOCABULARY_FILE = "vocabulary.yaml";
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    private ProtocolLoader() {
    }

    /** The shipped protocols, linted as of today (London). */
    public static ProtocolSet loadShipped() {
        return loadShipped(LocalDate.now(LONDON));
    }

    /** The shipped protocols, linted as of the given day (expiry is relative to it). */
    public static ProtocolSet loadShipped(LocalDate asOf) {
        return loadClasspath(SHIPPED_INDEX, asOf);
    }

    /** Protocols named by an index resource; file names in it are relative to the index's folder. */
    public static ProtocolSet loadClasspath(String indexResource, LocalDate asOf) {
        return orThrow(lintClasspath(indexResource, asOf));
    }

    /** Every {@code *.yaml} in the directory (not its subdirectories), in name order. */
    public static ProtocolSet loadDirectory(Path dir) {
        return loadDirectory(dir, LocalDate.now(LONDON));
    }

    public static ProtocolSet loadDirectory(Path dir, LocalDate asOf) {
        return orThrow(lintDirectory(dir, asOf));
    }

    /** Lints without throwing: every finding, errors and warnings, sorted by file and line. */
    public static Result lintDirectory(Path dir, LocalDate asOf) {
        Findings findings = new Findings();
        List<Source> sources = new ArrayList<>();
        Path vocabFile = dir.resolve(VOCABULARY_FILE);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList()) {
                if (!f.getFileName().toString().equals(VOCABULARY_FILE)) {
                    sources.add(new Source(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8)));
                }
            }
            Vocabulary vocab = Files.exists(vocabFile)
                    ? readVocabulary(VOCABULARY_FILE, Files.readString(vocabFile, StandardCharsets.UTF_8))
                    : builtInVocabulary();
            return lint(sources, vocab, asOf, findings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read protocols from " + dir, e);
        }
    }

    /** Lints the given files against the shipped vocabulary, as one set (ids must be unique across them). */
    public static Result lintFiles(List<Path> files, LocalDate asOf) {
        List<Source> sources = new ArrayList<>();
        try {
            for (Path f : files) {
                sources.add(new Source(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read protocol files " + files, e);
        }
        return lint(sources, builtInVocabulary(), asOf, new Findings());
    }

    public static Result lintClasspath(String indexResource, LocalDate asOf) {
        Findings findings = new Findings();
        String folder = indexResource.contains("/") ? indexResource.substring(0, indexResource.lastIndexOf('/') + 1) : "";
        String index = resource(indexResource);
        if (index == null) {
            throw new IllegalStateException("protocol index " + indexResource + " is not on the classpath");
        }
        List<Source> sources = new ArrayList<>();
        String indexName = indexResource.substring(folder.length());
        List<String> lines = index.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            String text = resource(folder + name);
            if (text == null) {
                findings.add(indexName, i + 1, LintRule.MISSING_FILE, "index lists '" + name + "' but " + folder + name + " is not on the classpath");
            } else {
                sources.add(new Source(name, text));
            }
        }
        String vocabText = resource(folder + VOCABULARY_FILE);
        Vocabulary vocab = vocabText == null ? builtInVocabulary() : readVocabulary(VOCABULARY_FILE, vocabText);
        return lint(sources, vocab, asOf, findings);
    }

    /** The code system shipped with the library. */
    public static Vocabulary builtInVocabulary() {
        String text = resource("protocols/" + VOCABULARY_FILE);
        if (text == null) {
            throw new IllegalStateException("protocols/vocabulary.yaml is missing from the classpath");
        }
        return readVocabulary(VOCABULARY_FILE, text);
    }

    private static Vocabulary readVocabulary(String name, String text) {
        Findings f = new Findings();
        Vocabulary v = new VocabularyReader(name, f).read(text);
        if (!f.errors().isEmpty() || v == null) {
            throw new ProtocolLintException(f.errors());
        }
        return v;
    }

    private static Result lint(List<Source> sources, Vocabulary vocab, LocalDate asOf, Findings findings) {
        List<Protocol> protocols = new ArrayList<>();
        for (Source s : sources) {
            Protocol p = new ProtocolReader(s.name(), findings).read(s.text());
            if (p != null) {
                protocols.add(p);
            }
        }
        new Linter(vocab, asOf, findings).lint(protocols);
        return new Result(findings.all(), protocols, vocab);
    }

    private static ProtocolSet orThrow(Result r) {
        if (!r.errors().isEmpty()) {
            throw new ProtocolLintException(r.errors());
        }
        return new ProtocolSet(r.protocols, r.vocabulary, r.warnings());
    }

    private static String resource(String name) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = ProtocolLoader.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + name, e);
        }
    }

    private record Source(String name, String text) {
    }

    /** What a lint run found; {@link #protocols()} are as parsed, usable only when there are no errors. */
    public record Result(List<LintFinding> findings, List<Protocol> protocols, Vocabulary vocabulary) {

        public List<LintFinding> errors() {
            return findings.stream().filter(LintFinding::isError).toList();
        }

        public List<LintFinding> warnings() {
            return findings.stream().filter(f -> !f.isError()).toList();
        }
    }
}
