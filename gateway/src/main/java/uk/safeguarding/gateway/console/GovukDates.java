package uk.safeguarding.gateway.console;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Dates and times as the GOV.UK style guide writes them, in UK time: "6 December 2026", "2:05pm",
 * "5pm", "midday", "midnight", and "6 December 2026 at 2:05pm". Absent values are shown as "-".
 */
public final class GovukDates {

    public static final ZoneId UK = ZoneId.of("Europe/London");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
    private static final String NONE = "-";

    private GovukDates() {
    }

    public static String date(LocalDate date) {
        return date == null ? NONE : DATE.format(date);
    }

    /** The UK calendar date of an instant. */
    public static String date(Instant at) {
        return at == null ? NONE : DATE.format(at.atZone(UK));
    }

    public static String time(LocalTime time) {
        if (time == null) {
            return NONE;
        }
        if (time.getHour() == 0 && time.getMinute() == 0) {
            return "midnight";
        }
        if (time.getHour() == 12 && time.getMinute() == 0) {
            return "midday";
        }
        int hour = time.getHour() % 12 == 0 ? 12 : time.getHour() % 12;
        String minutes = time.getMinute() == 0 ? "" : ":" + String.format(Locale.ROOT, "%02d", time.getMinute());
        return hour + minutes + (time.getHour() < 12 ? "am" : "pm");
    }

    /** "6 December 2026 at 2:05pm", UK time. */
    public static String dateTime(Instant at) {
        if (at == null) {
            return NONE;
        }
        ZonedDateTime uk = at.atZone(UK);
        return DATE.format(uk) + " at " + time(uk.toLocalTime());
    }

    public static String dateTime(OffsetDateTime at) {
        return at == null ? NONE : dateTime(at.toInstant());
    }
}
