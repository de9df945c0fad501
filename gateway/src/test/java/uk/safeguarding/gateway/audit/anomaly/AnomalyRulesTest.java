package uk.safeguarding.gateway.audit.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnomalyRulesTest {

    private final AnomalyRules rules = new AnomalyRules(ZoneId.of("Europe/London"), LocalTime.of(8, 0), LocalTime.of(18, 0),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

    @ParameterizedTest(name = "{0} out of hours: {1}")
    @CsvSource(textBlock = """
            2025-01-15T07:59:59Z, true,  Wednesday 07:59 GMT
            2025-01-15T08:00:00Z, false, Wednesday 08:00 GMT
            2025-01-15T17:59:59Z, false, Wednesday 17:59 GMT
            2025-01-15T18:00:00Z, true,  Wednesday 18:00 GMT
            2025-07-02T07:30:00Z, false, Wednesday 08:30 BST
            2025-07-02T17:30:00Z, true,  Wednesday 18:30 BST
            2025-01-18T12:00:00Z, true,  Saturday noon
            2025-01-19T12:00:00Z, true,  Sunday noon
            """)
    void workingHoursAreLocalTime(String at, boolean outOfHours, String description) {
        assertEquals(outOfHours, rules.outOfHours(Instant.parse(at)), description);
    }
}
