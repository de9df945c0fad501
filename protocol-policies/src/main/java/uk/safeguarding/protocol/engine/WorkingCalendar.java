package uk.safeguarding.protocol.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Working days in England and Wales: Monday to Friday except bank holidays, which are data (see
 * {@code calendar/bank-holidays-england-wales.yaml}) because they are proclaimed, not computed. Outside
 * the years the data covers, arithmetic throws instead of silently treating a holiday as a working day.
 * School days are taken to be working days: term dates differ per school and are not modelled.
 */
public final class WorkingCalendar {

    private static final String RESOURCE = "calendar/bank-holidays-england-wales.yaml";

    private final NavigableMap<LocalDate, String> holidays;
    private final LocalDate coversFrom;
    private final LocalDate coversTo;

    public WorkingCalendar(Map<LocalDate, String> holidays, LocalDate coversFrom, LocalDate coversTo) {
        this.holidays = Collections.unmodifiableNavigableMap(new TreeMap<>(holidays));
        this.coversFrom = coversFrom;
        this.coversTo = coversTo;
    }

    /** The shipped England and Wales calendar. */
    public static WorkingCalendar englandAndWales() {
        try (InputStream in = WorkingCalendar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            @SuppressWarnings("unchecked")
            Map<String, Object> covers = (Map<String, Object>) doc.get("covers");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) doc.get("holidays");
            Map<LocalDate, String> days = new TreeMap<>();
            for (Map<String, Object> h : list) {
                days.put(date(h.get("date")), String.valueOf(h.get("name")));
            }
            return new WorkingCalendar(days, date(covers.get("from")), date(covers.get("to")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalDate date(Object o) {
        // SnakeYAML turns unquoted dates into java.util.Date at UTC midnight
        if (o instanceof java.util.Date d) {
            return d.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate();
        }
        return LocalDate.parse(String.valueOf(o));
    }

    public Map<LocalDate, String> holidays() {
        return holidays;
    }

    public boolean isBankHoliday(LocalDate day) {
        check(day);
        return holidays.containsKey(day);
    }

    public boolean isWorkingDay(LocalDate day) {
        check(day);
        DayOfWeek d = day.getDayOfWeek();
        return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && !holidays.containsKey(day);
    }

    /** The n-th working day after {@code day}; {@code day} itself never counts. */
    public LocalDate plusWorkingDays(LocalDate day, int n) {
        LocalDate d = day;
        int left = n;
        while (left > 0) {
            d = d.plusDays(1);
            if (isWorkingDay(d)) {
                left--;
            }
        }
        return d;
    }

    /** {@code day} if it is a working day, otherwise the next one. */
    public LocalDate workingDayOnOrAfter(LocalDate day) {
        LocalDate d = day;
        while (!isWorkingDay(d)) {
            d = d.plusDays(1);
        }
        return d;
    }

    private void check(LocalDate day) {
        if (day.isBefore(coversFrom) || day.isAfter(coversTo)) {
            throw new IllegalStateException("the bank-holiday calendar covers " + coversFrom + " to " + coversTo
                    + "; " + day + " is outside it: add that year's bank holidays to " + RESOURCE);
        }
    }
}
