package uk.safeguarding.protocol.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * School terms per council ({@code calendar/term-dates.yaml}). Term dates are set locally, so they are
 * data like bank holidays; where a council's dates are not held for a day, {@link #inTerm} says so
 * (empty) and the caller falls back to working days, naming the fallback in the deadline rule.
 */
public final class TermCalendar {

    private static final String RESOURCE = "calendar/term-dates.yaml";

    /** One council's school year: terms (inclusive), closure days, and the span the data covers. */
    public record Council(LocalDate coversFrom, LocalDate coversTo, List<LocalDate[]> terms, Set<LocalDate> closed) {
    }

    private final Map<String, Council> councils;

    public TermCalendar(Map<String, Council> councils) {
        this.councils = Map.copyOf(councils);
    }

    /** No term dates at all: every working day is a school day. */
    public static TermCalendar none() {
        return new TermCalendar(Map.of());
    }

    /** The shipped term dates. */
    @SuppressWarnings("unchecked")
    public static TermCalendar shipped() {
        try (InputStream in = TermCalendar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            Map<String, Council> councils = new HashMap<>();
            ((Map<String, Map<String, Object>>) doc.get("councils")).forEach((id, c) -> {
                Map<String, Object> covers = (Map<String, Object>) c.get("covers");
                List<LocalDate[]> terms = new ArrayList<>();
                for (Map<String, Object> t : (List<Map<String, Object>>) c.get("terms")) {
                    terms.add(new LocalDate[] {date(t.get("from")), date(t.get("to"))});
                }
                Set<LocalDate> closed = new HashSet<>();
                Object closedList = c.get("closed");
                if (closedList != null) {
                    for (Map<String, Object> d : (List<Map<String, Object>>) closedList) {
                        closed.add(date(d.get("date")));
                    }
                }
                councils.put(id, new Council(date(covers.get("from")), date(covers.get("to")), terms, closed));
            });
            return new TermCalendar(councils);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalDate date(Object o) {
        if (o instanceof java.util.Date d) {
            return d.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate();
        }
        return LocalDate.parse(String.valueOf(o));
    }

    /**
     * Whether {@code day} is in one of the council's terms and not a closure day; empty when the council's
     * dates are not held for that day (an unknown council, or a year not listed).
     */
    public Optional<Boolean> inTerm(String council, LocalDate day) {
        Council c = council == null ? null : councils.get(council);
        if (c == null || day.isBefore(c.coversFrom()) || day.isAfter(c.coversTo())) {
            return Optional.empty();
        }
        if (c.closed().contains(day)) {
            return Optional.of(false);
        }
        return Optional.of(c.terms().stream().anyMatch(t -> !day.isBefore(t[0]) && !day.isAfter(t[1])));
    }
}
