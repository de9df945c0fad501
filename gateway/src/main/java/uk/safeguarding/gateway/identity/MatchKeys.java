package uk.safeguarding.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import uk.safeguarding.gateway.referral.Referral;

/**
 * The blocking keys of a child as a referral describes it: keyed hashes of normalised parts, so that
 * two records of one child meet without the gateway storing names or dates of birth for matching. Each
 * key tolerates one kind of difference between two records: a misspelt family name (its Soundex code),
 * a changed family name (date of birth, postcode district and initial instead).
 */
public final class MatchKeys {

    public static final String FAMILY_DOB = "family-dob";
    public static final String PHONETIC_DOB_INITIAL = "phonetic-dob-initial";
    public static final String DOB_OUTWARD_INITIAL = "dob-outward-initial";
    /** A UK postcode: outward code (area, district), a space (optional), inward code. */
    public static final String POSTCODE = "^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$";

    private final Optional<String> secret;

    public MatchKeys(Optional<String> secret) {
        this.secret = secret.filter(s -> !s.isBlank());
    }

    /** The keys this child's description yields, by kind; a part missing leaves its keys out. */
    public Map<String, byte[]> of(Referral.Child child) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String family = letters(child.familyName());
        String initial = letters(child.givenName());
        initial = initial.isEmpty() ? "" : initial.substring(0, 1);
        String dob = child.birthDate() == null ? "" : child.birthDate().strip();
        String outward = outward(child.postcode());
        if (dob.isEmpty()) {
            return keys;
        }
        if (!family.isEmpty()) {
            keys.put(FAMILY_DOB, hash(FAMILY_DOB, family, dob));
            if (!initial.isEmpty()) {
                keys.put(PHONETIC_DOB_INITIAL, hash(PHONETIC_DOB_INITIAL, soundex(family), dob, initial));
            }
        }
        if (!outward.isEmpty() && !initial.isEmpty()) {
            keys.put(DOB_OUTWARD_INITIAL, hash(DOB_OUTWARD_INITIAL, dob, outward, initial));
        }
        return keys;
    }

    /** Upper-case ASCII letters only: accents folded, spaces, hyphens and apostrophes dropped. */
    static String letters(String s) {
        if (s == null) {
            return "";
        }
        String folded = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return folded.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    }

    /** The outward code (the district) of a UK postcode, upper case; empty when absent or malformed. */
    static String outward(String postcode) {
        if (postcode == null || !postcode.strip().matches(POSTCODE)) {
            return "";
        }
        String compact = postcode.replace(" ", "").toUpperCase(Locale.ROOT);
        return compact.substring(0, compact.length() - 3);
    }

    /** American Soundex: the first letter and three digits. */
    static String soundex(String letters) {
        String codes = "01230120022455012623010202";
        StringBuilder out = new StringBuilder().append(letters.charAt(0));
        char last = codes.charAt(letters.charAt(0) - 'A');
        for (int i = 1; i < letters.length() && out.length() < 4; i++) {
            char c = letters.charAt(i);
            char code = codes.charAt(c - 'A');
            if (code != '0' && code != last) {
                out.append(code);
            }
            // H and W do not separate two letters of the same code; vowels do.
            if (c != 'H' && c != 'W') {
                last = code;
            }
        }
        while (out.length() < 4) {
            out.append('0');
        }
        return out.toString();
    }

    private byte[] hash(String... parts) {
        byte[] input = String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8);
        try {
            if (secret.isPresent()) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return mac.doFinal(input);
            }
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
