package uk.safeguarding.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** GOV.UK style dates and times, in UK time whatever the server's zone. */
class GovukDatesTest {

    @ParameterizedTest
    @CsvSource(textBlock = """
            2026-12-06, 6 December 2026
            2011-04-02, 2 April 2011
            2027-01-31, 31 January 2027
            """)
    void datesHaveNoLeadingZeroAndTheMonthInFull(LocalDate date, String shown) {
        assertEquals(shown, GovukDates.date(date));
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            14:05, 2:05pm
            09:30, 9:30am
            17:00, 5pm
            12:00, midday
            00:00, midnight
            00:01, 12:01am
            12:45, 12:45pm
            """)
    void timesAreTwelveHourWithoutZeroMinutes(LocalTime time, String shown) {
        assertEquals(shown, GovukDates.time(time));
    }

    @Test
    void instantsAreShownInUkTimeAcrossTheClockChange() {
        // British Summer Time: 13:05 UTC is 2:05pm in London.
        assertEquals("6 June 2026 at 2:05pm", GovukDates.dateTime(Instant.parse("2026-06-06T13:05:00Z")));
        // Greenwich Mean Time in December: the same clock reading.
        assertEquals("6 December 2026 at 2:05pm", GovukDates.dateTime(Instant.parse("2026-12-06T14:05:00Z")));
        // 23:30 UTC on 31 May is already 1 June in London.
        assertEquals("1 June 2026", GovukDates.date(Instant.parse("2026-05-31T23:30:00Z")));
    }

    @Test
    void absentValuesAreADash() {
        assertEquals("-", GovukDates.date((LocalDate) null));
        assertEquals("-", GovukDates.dateTime((Instant) null));
        assertEquals("-", GovukDates.time(null));
    }
}
