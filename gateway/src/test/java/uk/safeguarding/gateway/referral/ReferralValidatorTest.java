package uk.safeguarding.gateway.referral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferralValidatorTest {

    @ParameterizedTest(name = "[{index}] NHS number {0} valid={1}")
    @CsvSource(textBlock = """
            9434765919, true
            9434765910, false
            4010232137, true
            4010232138, false
            1234567881, true
            0000000000, true
            123456789, false
            94347659190, false
            943476591a, false
            '', false
            """)
    void nhsNumberModulus11(String number, boolean valid) {
        assertEquals(valid, ReferralValidator.isValidNhsNumber(number));
    }
}
