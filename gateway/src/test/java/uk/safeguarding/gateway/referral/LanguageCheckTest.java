package uk.safeguarding.gateway.referral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageCheckTest {

    private static final LanguageCheck CHECK = LanguageCheck.fromClasspath("referral/victim-blaming-phrases.json");

    private static List<LanguageCheck.Flag> check(String text) {
        return CHECK.check(Map.of("/summary", text));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is flagged as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            She is putting herself at risk                       | putting-self-at-risk  | putting herself at risk
            He is PUTTING HIMSELF AT RISK by going out            | putting-self-at-risk  | PUTTING HIMSELF AT RISK
            they keep putting   themselves at   risk             | putting-self-at-risk  | putting   themselves at   risk
            Seen with her boyfriend.                              | boyfriend-for-adult   | boyfriend
            (boyfriend)                                           | boyfriend-for-adult   | boyfriend
            displays risk-taking behaviour                        | risk-taking-behaviour | risk-taking behaviour
            described as promiscuous                              | promiscuous           | promiscuous
            says she consented                                    | consented             | she consented
            it is a Lifestyle Choice                              | lifestyle-choice      | Lifestyle Choice
            """)
    void flagsEachListedPhrase(String text, String entry, String matched) {
        List<LanguageCheck.Flag> flags = check(text);
        assertEquals(1, flags.size(), () -> "flags: " + flags);
        assertEquals(entry, flags.get(0).entry());
        assertEquals(matched, flags.get(0).matched());
        assertEquals(matched, text.substring(flags.get(0).start(), flags.get(0).end()));
        assertTrue(flags.get(0).message().contains("Consider:"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is not flagged")
    @CsvSource(delimiter = '|', textBlock = """
            Adults are placing her at risk of exploitation
            The boyfriends' names are unknown to us as yet
            exboyfriend
            boyfriendship
            unconsented
            nonconsensual
            risk taking place tomorrow
            She is at risk from adults who target children
            """)
    void doesNotFlagInsideWordsOrUnrelatedText(String text) {
        assertEquals(List.of(), check(text));
    }

    @Test
    void reportsEveryMatchWithItsFieldAndLeavesTheTextAlone() {
        Map<String, String> text = new LinkedHashMap<>();
        String summary = "Her older boyfriend says she consented. She is putting herself at risk.";
        text.put("/summary", summary);
        text.put("/health", "No concerns.");
        text.put("/missing", "Lifestyle choice, per staff.");
        List<LanguageCheck.Flag> flags = CHECK.check(text);
        assertEquals(List.of("older boyfriend", "she consented", "putting herself at risk", "Lifestyle choice"),
                flags.stream().map(LanguageCheck.Flag::matched).toList());
        assertEquals(List.of("/summary", "/summary", "/summary", "/missing"),
                flags.stream().map(LanguageCheck.Flag::field).toList());
        assertEquals("Her older boyfriend says she consented. She is putting herself at risk.", summary);
    }

    @Test
    void aPhraseMustBeWholeWordsAtBothEnds() {
        assertEquals(1, check("boyfriend").size());
        assertEquals(1, check("boyfriend.").size());
        assertEquals(0, check("boyfriend2").size());
        assertEquals(0, check("xboyfriend").size());
        assertEquals(1, check("ex-boyfriend").size());
    }

    /**
     * The check scans each text once for any phrase before scanning phrase by phrase: it must find
     * exactly what every phrase's own pattern finds, wherever the phrases sit and however they overlap.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Nothing to see here.
            Streetwise. Later she was seen with an older boyfriend; puts himself at risk.
            xboyfriend then boyfriend2 then, much later, a GIRLFRIEND
            she consented, he consented, consented, consensual and sexually   active
            knows what she is doing; mature for his age; sex worker; street wise
            risk-taking behaviour then risk taking behavior then risky behaviour
            École: Lifestyle Choices / chose this lifestyle / making their own choices
            older older boyfriend boyfriend
            """)
    void findsWhatEachPhraseFindsAlone(String text) throws Exception {
        List<String> expected = eachPhraseAlone(text).stream().map(f -> f.entry() + "@" + f.start() + "-" + f.end()).toList();
        List<String> actual = check(text).stream().map(f -> f.entry() + "@" + f.start() + "-" + f.end()).toList();
        assertEquals(expected, actual);
    }

    /** The check as it was before the single scan: every phrase's own pattern, longest match kept at each position. */
    private static List<LanguageCheck.Flag> eachPhraseAlone(String text) throws Exception {
        JsonNode root;
        try (InputStream in = LanguageCheckTest.class.getClassLoader().getResourceAsStream("referral/victim-blaming-phrases.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<LanguageCheck.Flag> found = new ArrayList<>();
        for (JsonNode entry : root.path("entries")) {
            for (JsonNode phrase : entry.path("phrases")) {
                Matcher m = LanguageCheck.compile(phrase.asText()).matcher(text);
                while (m.find()) {
                    found.add(new LanguageCheck.Flag("/summary", entry.path("id").asText(), m.group(), m.start(), m.end(), "", ""));
                }
            }
        }
        found.sort(Comparator.comparingInt(LanguageCheck.Flag::start)
                .thenComparing(Comparator.comparingInt(LanguageCheck.Flag::end).reversed()));
        List<LanguageCheck.Flag> kept = new ArrayList<>();
        int coveredTo = -1;
        for (LanguageCheck.Flag f : found) {
            if (f.start() >= coveredTo) {
                kept.add(f);
                coveredTo = f.end();
            }
        }
        return kept;
    }
}
