package uk.safeguarding.gateway.referral;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Referral fixtures under src/test/resources/referral, each about a fresh child. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The fixture with its {@code ${nhsNumber}} placeholder filled in. */
    public static String load(String name, String nhsNumber) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream("referral/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${nhsNumber}", nhsNumber);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A random NHS number with a correct modulus-11 check digit, so each test has its own child. */
    public static String nhsNumber() {
        while (true) {
            StringBuilder digits = new StringBuilder();
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                int d = ThreadLocalRandom.current().nextInt(i == 0 ? 1 : 0, 10);
                digits.append(d);
                sum += d * (10 - i);
            }
            int check = 11 - (sum % 11);
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }

    /** The same number with its check digit changed, so it fails modulus 11. */
    static String withWrongCheckDigit(String nhsNumber) {
        char last = nhsNumber.charAt(9);
        return nhsNumber.substring(0, 9) + (char) (last == '9' ? '0' : last + 1);
    }
}
