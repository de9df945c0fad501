package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds victim-blaming phrases in free text, from a curated data file. Matching is case-insensitive,
 * on whole words (a phrase inside a longer word does not match), and tolerant of any run of
 * whitespace between a phrase's words. The text is never changed: matches are reported so the
 * author can reconsider, and stored as flags on the referral.
 */
public final class LanguageCheck {

    public static final String RULE = "VICTIM_BLAMING_LANGUAGE";

    /** One phrase found: where (field, character offsets), which entry, and the advice for the author. */
    public record Flag(String field, String entry, String matched, int start, int end, String why, String alternative) {

        public String message() {
            return "\"" + matched + "\": " + why + " Consider: " + alternative;
        }
    }

    private record Phrase(String entry, Pattern pattern, String why, String alternative) {
    }

    /** What an entry says to the author: why its phrases harm, and what to write instead. */
    public record Advice(String entry, String why, String alternative) {
    }

    private static final String NOT_AFTER_WORD = "(?<![\\p{L}\\p{N}])";
    private static final String NOT_BEFORE_WORD = "(?![\\p{L}\\p{N}])";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private final List<Phrase> phrases;
    /**
     * Every phrase in one alternation, with the word boundaries tested once per position instead of
     * once per phrase: a text where it finds nothing has no flag, and where it does, no phrase matches
     * before its first hit. Per-phrase scans cost (phrases x characters) boundary tests, which made
     * this check a large share of the referral intake's CPU.
     */
    private final Pattern any;

    private LanguageCheck(List<Phrase> phrases, List<String> bodies) {
        this.phrases = List.copyOf(phrases);
        this.any = Pattern.compile(NOT_AFTER_WORD + "(?:" + String.join("|", bodies) + ")" + NOT_BEFORE_WORD, FLAGS);
    }

    /** The advice of a phrase entry by its id; empty for an id the list does not hold. */
    public java.util.Optional<Advice> advice(String entry) {
        return phrases.stream().filter(p -> p.entry().equals(entry)).findFirst()
                .map(p -> new Advice(p.entry(), p.why(), p.alternative()));
    }

    public static LanguageCheck fromClasspath(String location) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalStateException("Phrase list " + location + " is missing from the classpath");
            }
            return fromJson(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LanguageCheck fromJson(JsonNode root) {
        List<Phrase> phrases = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (JsonNode entry : root.path("entries")) {
            String id = required(entry, "id");
            String why = required(entry, "why");
            String alternative = required(entry, "alternative");
            if (!entry.path("phrases").isArray() || entry.path("phrases").isEmpty()) {
                throw new IllegalStateException("Phrase entry " + id + " lists no phrases");
            }
            for (JsonNode phrase : entry.path("phrases")) {
                phrases.add(new Phrase(id, compile(phrase.asText()), why, alternative));
                bodies.add(body(phrase.asText()));
            }
        }
        if (phrases.isEmpty()) {
            throw new IllegalStateException("The phrase list is empty");
        }
        return new LanguageCheck(phrases, bodies);
    }

    private static String required(JsonNode entry, String field) {
        String value = entry.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalStateException("Phrase entry lacks '" + field + "': " + entry);
        }
        return value;
    }

    /** Whole words only: no letter or digit directly before or after; any whitespace between words. */
    static Pattern compile(String phrase) {
        return Pattern.compile(NOT_AFTER_WORD + body(phrase) + NOT_BEFORE_WORD, FLAGS);
    }

    /** The phrase's words, quoted, with any run of whitespace between them; no boundaries. */
    private static String body(String phrase) {
        String[] words = phrase.trim().split("\\s+");
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                regex.append("\\s+");
            }
            regex.append(Pattern.quote(words[i]));
        }
        return regex.toString();
    }

    /**
     * The flags for each field's text, in field order then position. Where phrases overlap (e.g.
     * "boyfriend" inside "older boyfriend") only the longest match at a position is kept.
     */
    public List<Flag> check(Map<String, String> textByField) {
        List<Flag> flags = new ArrayList<>();
        textByField.forEach((field, text) -> {
            if (text == null || text.isEmpty()) {
                return;
            }
            Matcher first = any.matcher(text);
            if (!first.find()) {
                return;
            }
            // The same boundaries as each phrase's own pattern, so no phrase can match before this.
            int from = first.start();
            List<Flag> found = new ArrayList<>();
            for (Phrase p : phrases) {
                Matcher m = p.pattern().matcher(text);
                for (boolean hit = m.find(from); hit; hit = m.find()) {
                    found.add(new Flag(field, p.entry(), m.group(), m.start(), m.end(), p.why(), p.alternative()));
                }
            }
            found.sort(Comparator.comparingInt(Flag::start).thenComparing(Comparator.comparingInt(Flag::end).reversed()));
            int coveredTo = -1;
            for (Flag f : found) {
                if (f.start() >= coveredTo) {
                    flags.add(f);
                    coveredTo = f.end();
                }
            }
        });
        return flags;
    }
}
