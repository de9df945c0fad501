package uk.safeguarding.protocol.model;

import java.time.LocalTime;

/**
 * When a duty must be met, relative to the event. Calendar arithmetic (working days, school days,
 * Europe/London local time) is done by the engine, so the protocol states the rule, not the instant.
 */
public sealed interface Deadline {

    String describe();

    record Minutes(int minutes) implements Deadline {
        public String describe() {
            return minutes + " minutes";
        }
    }

    record Hours(int hours) implements Deadline {
        public String describe() {
            return hours + " hours";
        }
    }

    /** By the end of the n-th working day after the day of the event (the event day does not count). */
    record WorkingDays(int days) implements Deadline {
        public String describe() {
            return days + " working day" + (days == 1 ? "" : "s");
        }
    }

    /** By the end of the day of the event, London time ("before or on the day"). */
    record EndOfDay() implements Deadline {
        public String describe() {
            return "end of the day";
        }
    }

    /**
     * Before a date the case carries (placement start, arrival). For an emergency placement the
     * regulations allow notice within a number of working days after the placement starts instead.
     */
    record BeforeCaseDate(String caseDate, Integer emergencyWorkingDays) implements Deadline {
        public String describe() {
            return "before " + caseDate
                    + (emergencyWorkingDays == null ? "" : " (emergency: " + emergencyWorkingDays + " working days after)");
        }
    }

    /** Before the start of the next school day (weekday, not a bank holiday) at the given local time. */
    record NextSchoolDay(LocalTime start) implements Deadline {
        public String describe() {
            return "before the next school day starts (" + start + ")";
        }
    }
}
