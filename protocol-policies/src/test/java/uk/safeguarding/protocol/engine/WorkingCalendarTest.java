package uk.safeguarding.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the bank-holiday data against the rules that generate most of it, so a typo in a date is caught. */
class WorkingCalendarTest {

    static final WorkingCalendar CAL = WorkingCalendar.englandAndWales();

    /** Easter Sunday (anonymous Gregorian algorithm). */
    static LocalDate easter(int y) {
        int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(y, month, day);
    }

    @ParameterizedTest
    @ValueSource(ints = {2025, 2026, 2027, 2028})
    void eachYearHasItsEightBankHolidaysOnTheRightDays(int y) {
        assertEquals(8, CAL.holidays().keySet().stream().filter(d -> d.getYear() == y).count());
        assertTrue(CAL.isBankHoliday(easter(y).minusDays(2)), "Good Friday " + y);
        assertTrue(CAL.isBankHoliday(easter(y).plusDays(1)), "Easter Monday " + y);
        assertTrue(CAL.isBankHoliday(LocalDate.of(y, 5, 1).with(TemporalAdjusters.firstInMonth(DayOfWeek.MONDAY))), "early May " + y);
        assertTrue(CAL.isBankHoliday(LocalDate.of(y, 5, 31).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY))), "spring " + y);
        assertTrue(CAL.isBankHoliday(LocalDate.of(y, 8, 31).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY))), "summer " + y);
        for (LocalDate d : CAL.holidays().keySet()) {
            assertFalse(d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY, d + " falls at a weekend");
        }
    }

    @Test
    void substituteDaysReplaceWeekendHolidays() {
        assertTrue(CAL.isBankHoliday(LocalDate.of(2026, 12, 28)));
        assertTrue(CAL.isBankHoliday(LocalDate.of(2027, 12, 27)));
        assertTrue(CAL.isBankHoliday(LocalDate.of(2027, 12, 28)));
        assertTrue(CAL.isBankHoliday(LocalDate.of(2028, 1, 3)));
    }

    @Test
    void workingDaysSkipWeekendsAndHolidays() {
        assertEquals(LocalDate.of(2025, 4, 22), CAL.plusWorkingDays(LocalDate.of(2025, 4, 17), 1));
        assertEquals(LocalDate.of(2025, 4, 17), CAL.plusWorkingDays(LocalDate.of(2025, 4, 16), 1));
        assertEquals(LocalDate.of(2025, 12, 30), CAL.plusWorkingDays(LocalDate.of(2025, 12, 24), 2));
        assertEquals(LocalDate.of(2026, 1, 2), CAL.plusWorkingDays(LocalDate.of(2025, 12, 24), 4));
        assertFalse(CAL.isWorkingDay(LocalDate.of(2026, 3, 14)));
        assertTrue(CAL.isWorkingDay(LocalDate.of(2026, 3, 16)));
    }

    @Test
    void datesOutsideTheDataFailLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CAL.plusWorkingDays(LocalDate.of(2028, 12, 29), 2));
        assertTrue(e.getMessage().contains("2029-01-01"), e.getMessage());
    }
}
