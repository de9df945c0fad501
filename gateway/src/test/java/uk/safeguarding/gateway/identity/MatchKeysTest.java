package uk.safeguarding.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.gateway.referral.Referral;

/** The matching keys: what each normalisation tolerates, and that the key is what the keys depend on. */
class MatchKeysTest {

    static Referral.Child child(String given, String family, String dob, String postcode) {
        return new Referral.Child("9434765919", null, given, family, dob, postcode);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            Robert, R163
            Rupert, R163
            Ashcraft, A261
            Tymczak, T522
            Pfister, P236
            Honeyman, H555
            """)
    void soundexIsTheAmericanOne(String name, String code) {
        assertEquals(code, MatchKeys.soundex(MatchKeys.letters(name)));
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            SW1A 1AA, SW1A
            pr12ab, PR1
            M1 1AE, M1
            'not a postcode', ''
            """)
    void theOutwardCodeIsTheDistrict(String postcode, String outward) {
        assertEquals(outward, MatchKeys.outward(postcode));
    }

    @Test
    void spellingCaseAndAccentsMeetButTheSecretDecides() {
        MatchKeys keys = new MatchKeys(Optional.of("a-secret-of-at-least-thirty-two-characters"));
        Map<String, byte[]> a = keys.of(child("Amira", "O'Brien-Smyth", "2011-04-02", "PR1 2AB"));
        Map<String, byte[]> b = keys.of(child("amira", "obriensmyth", "2011-04-02", "pr12xy"));
        Map<String, byte[]> misspelt = keys.of(child("Amira", "OBrianSmith", "2011-04-02", null));
        assertArrayEquals(a.get(MatchKeys.FAMILY_DOB), b.get(MatchKeys.FAMILY_DOB));
        assertArrayEquals(a.get(MatchKeys.DOB_OUTWARD_INITIAL), b.get(MatchKeys.DOB_OUTWARD_INITIAL));
        assertArrayEquals(a.get(MatchKeys.PHONETIC_DOB_INITIAL), misspelt.get(MatchKeys.PHONETIC_DOB_INITIAL));
        assertFalse(misspelt.containsKey(MatchKeys.DOB_OUTWARD_INITIAL), "no postcode, no postcode key");
        Map<String, byte[]> otherSecret = new MatchKeys(Optional.of("another-secret-of-thirty-two-characters"))
                .of(child("Amira", "O'Brien-Smyth", "2011-04-02", "PR1 2AB"));
        assertFalse(java.util.Arrays.equals(a.get(MatchKeys.FAMILY_DOB), otherSecret.get(MatchKeys.FAMILY_DOB)));
        assertTrue(keys.of(child("Amira", "Smith", null, "PR1 2AB")).isEmpty(), "no date of birth, no keys");
    }
}
