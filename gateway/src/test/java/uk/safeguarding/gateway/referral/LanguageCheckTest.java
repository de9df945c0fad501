package uk.safeguarding.gateway.referral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
