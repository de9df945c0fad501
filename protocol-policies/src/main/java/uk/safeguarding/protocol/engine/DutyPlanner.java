package uk.safeguarding.protocol.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import uk.safeguarding.protocol.model.Deadline;
import uk.safeguarding.protocol.model.Duty;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Turns an event in a case into dated notices. Deadlines are absolute instants computed in London
 * local time (working days and school days are local notions; an "end of day" in BST is 22:59 UTC).
 */
final class DutyPlanner {

    /** "By the end of the day": the last second of the local day. */
    static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59);

    private final List<Protocol> protocols;
    private final WorkingCalendar calendar;
    private final TermCalendar terms;

    DutyPlanner(List<Protocol> protocols, WorkingCalendar calendar, TermCalendar terms) {
        this.protocols = List.copyOf(protocols);
        this.calendar = calendar;
        this.terms = terms;
    }

    List<DutyNotice> plan(String event, CaseContext c, Instant occurredAt, String raisedBy) {
        LocalDate day = LocalDate.ofInstant(occurredAt, RequestView.LONDON);
        List<DutyNotice> out = new ArrayList<>();
        for (Protocol p : protocols) {
            if (!p.inForceOn(day)) {
                continue;
            }
            for (Duty d : p.duties()) {
                if (!d.event().equals(event)) {
                    continue;
                }
                Due due = due(d.deadline(), c, occurredAt);
                DutyNotice.Escalation esc = new DutyNotice.Escalation(d.escalateTo().caseRole(), d.escalateTo().role(),
                        resolve(d.escalateTo().caseRole(), c, null));
                for (String role : d.recipients()) {
                    out.add(new DutyNotice(p.clauseRef(d.id()), event, role, resolve(role, c, raisedBy), due.at,
                            due.rule, esc, d.citation()));
                }
            }
        }
        out.sort(Comparator.comparing(DutyNotice::deadline).thenComparing(DutyNotice::clause)
                .thenComparing(DutyNotice::recipientRole));
        return List.copyOf(out);
    }

    private static List<String> resolve(String caseRole, CaseContext c, String exclude) {
        List<String> ids;
        if (Vocabulary.ALL_INVOLVED.equals(caseRole)) {
            ids = c.allInvolved();
        } else {
            String id = c.agencies().get(caseRole);
            ids = id == null ? List.of() : List.of(id);
        }
        return exclude == null ? ids : ids.stream().filter(id -> !id.equals(exclude)).toList();
    }

    private record Due(Instant at, String rule) {
    }

    private Due due(Deadline deadline, CaseContext c, Instant occurredAt) {
        ZonedDateTime local = occurredAt.atZone(RequestView.LONDON);
        if (deadline instanceof Deadline.Minutes m) {
            return new Due(occurredAt.plus(Duration.ofMinutes(m.minutes())), deadline.describe());
        }
        if (deadline instanceof Deadline.Hours h) {
            return new Due(occurredAt.plus(Duration.ofHours(h.hours())), deadline.describe());
        }
        if (deadline instanceof Deadline.WorkingDays w) {
            return endOf(calendar.plusWorkingDays(local.toLocalDate(), w.days()), deadline.describe());
        }
        if (deadline instanceof Deadline.EndOfDay) {
            return endOf(local.toLocalDate(), deadline.describe());
        }
        if (deadline instanceof Deadline.BeforeCaseDate b) {
            return beforeCaseDate(b, c, occurredAt);
        }
        return nextSchoolDay((Deadline.NextSchoolDay) deadline, c.termCalendar(), local);
    }

    /**
     * The start of the next school day: a working day inside one of the council's terms. Where the
     * council's term dates are not held, every working day counts, and the rule says so.
     */
    private Due nextSchoolDay(Deadline.NextSchoolDay s, String council, ZonedDateTime local) {
        LocalDate d = local.toLocalDate();
        boolean[] fellBack = {false};
        java.util.function.Predicate<LocalDate> schoolDay = day -> calendar.isWorkingDay(day)
                && terms.inTerm(council, day).orElseGet(() -> {
                    fellBack[0] = true;
                    return true;
                });
        // today counts only if it is a school day and school has not yet started
        if (!schoolDay.test(d) || !local.toLocalTime().isBefore(s.start())) {
            d = d.plusDays(1);
            // a school year has under 200 days off in a row at most; a bound stops bad data looping forever
            for (int i = 0; i < 200 && !schoolDay.test(d); i++) {
                d = d.plusDays(1);
            }
        }
        String rule = s.describe() + (council == null ? "" : fellBack[0]
                ? "; term dates of " + council + " not held for these days: working days" : "; term dates of " + council);
        return new Due(d.atTime(s.start()).atZone(RequestView.LONDON).toInstant(), rule);
    }

    private Due beforeCaseDate(Deadline.BeforeCaseDate b, CaseContext c, Instant occurredAt) {
        Instant date = c.dates().get(b.caseDate());
        if (c.emergencyPlacement() && b.emergencyWorkingDays() != null) {
            Instant start = date == null ? occurredAt : date;
            LocalDate startDay = LocalDate.ofInstant(start, RequestView.LONDON);
            return endOf(calendar.plusWorkingDays(startDay, b.emergencyWorkingDays()),
                    "emergency placement: " + b.emergencyWorkingDays() + " working days after " + b.caseDate());
        }
        if (date == null) {
            // not knowing the date must not delay the notice: it is due now
            return new Due(occurredAt, "before " + b.caseDate() + " (date not recorded: due immediately)");
        }
        return new Due(date, "before " + b.caseDate());
    }

    private static Due endOf(LocalDate day, String rule) {
        return new Due(day.atTime(END_OF_DAY).atZone(RequestView.LONDON).toInstant(), rule);
    }
}
