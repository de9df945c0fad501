package uk.safeguarding.gateway.audit.anomaly;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * The anomaly rules over a batch of sealed events, pure Java so each rule is unit-testable. Flags
 * that need a count over a whole window (bulk reads, repeated denials) are returned as windows to
 * count in the database, because earlier events of the same hour may have come in earlier batches.
 */
final class AnomalyRules {

    static final Set<String> NO_RELATIONSHIP_CODES = Set.of("NOT_FOUND", "NO_RELATIONSHIP");

    /**
     * A flag to upsert; per-event kinds accumulate {@code count}, window kinds are counted afresh.
     * {@code agencies} are those whose DPOs see it: the acting agency, and for an override the agencies
     * whose information it released.
     */
    record Flag(String kind, String dedupeKey, String agency, String subject, UUID childId, Instant windowStart,
            Instant windowEnd, int count, UUID firstEventId, Instant lastEventAt, String summary, List<String> agencies) {

        Flag(String kind, String dedupeKey, String agency, String subject, UUID childId, Instant windowStart,
                Instant windowEnd, int count, UUID firstEventId, Instant lastEventAt, String summary) {
            this(kind, dedupeKey, agency, subject, childId, windowStart, windowEnd, count, firstEventId, lastEventAt,
                    summary, agency == null ? List.of() : List.of(agency));
        }

        /** The same flag, shown also to the DPOs of {@code more}. */
        Flag concerning(List<String> more) {
            java.util.TreeSet<String> all = new java.util.TreeSet<>(agencies);
            all.addAll(more);
            return new Flag(kind, dedupeKey, agency, subject, childId, windowStart, windowEnd, count, firstEventId,
                    lastEventAt, summary, List.copyOf(all));
        }
    }

    /** An hour of one subject's activity whose total the detector must count. */
    record Window(String kind, String subject, String agency, Instant start, UUID firstEventId, Instant lastEventAt) {
    }

    private final ZoneId zone;
    private final LocalTime dayStart;
    private final LocalTime dayEnd;
    private final Set<DayOfWeek> workingDays;

    AnomalyRules(ZoneId zone, LocalTime dayStart, LocalTime dayEnd, Set<DayOfWeek> workingDays) {
        this.zone = zone;
        this.dayStart = dayStart;
        this.dayEnd = dayEnd;
        this.workingDays = workingDays;
    }

    /** Flags decided by single events, merged per dedupe key within the batch. */
    List<Flag> perEvent(List<AuditEntry> events) {
        Map<String, Flag> flags = new LinkedHashMap<>();
        for (AuditEntry e : events) {
            if ("DENY".equals(e.decision()) && e.denialCode() != null && NO_RELATIONSHIP_CODES.contains(e.denialCode())) {
                Instant day = e.recordedAt().truncatedTo(ChronoUnit.DAYS);
                merge(flags, new Flag("NO_RELATIONSHIP", "NO_RELATIONSHIP|" + e.actorAgency() + "|" + e.actorSubject() + "|"
                        + e.childId() + "|" + day, e.actorAgency(), e.actorSubject(), e.childId(), day,
                        day.plus(Duration.ofDays(1)), 1, e.id(), e.recordedAt(),
                        "Access attempted without a relationship with the child (" + e.denialCode() + ")"));
            }
            if (e.overrideJustification() != null || e.overrideApprover() != null) {
                java.util.Set<String> concerned = new java.util.TreeSet<>();
                if (e.actorAgency() != null) {
                    concerned.add(e.actorAgency());
                }
                if (e.dataOwners() != null) {
                    e.dataOwners().stream().filter(o -> o != null && !uk.safeguarding.gateway.audit.chain.JsonStringArrays.isNonString(o)).forEach(concerned::add);
                }
                merge(flags, new Flag("OVERRIDE", "OVERRIDE|" + e.id(), e.actorAgency(), e.actorSubject(), e.childId(),
                        e.recordedAt(), e.recordedAt(), 1, e.id(), e.recordedAt(),
                        "Override of the usual sharing rules (" + e.decision() + ")", List.copyOf(concerned)));
            }
            if ("USER".equals(e.actorKind()) && e.childId() != null && "PERMIT".equals(e.decision()) && outOfHours(e.recordedAt())) {
                Instant localDay = ZonedDateTime.ofInstant(e.recordedAt(), zone).truncatedTo(ChronoUnit.DAYS).toInstant();
                merge(flags, new Flag("OUT_OF_HOURS", "OUT_OF_HOURS|" + e.actorSubject() + "|" + localDay, e.actorAgency(),
                        e.actorSubject(), null, localDay, localDay.plus(Duration.ofDays(1)), 1, e.id(), e.recordedAt(),
                        "A person accessed children's records outside working hours"));
            }
        }
        return new ArrayList<>(flags.values());
    }

    /** Hours of activity to count: reads of children (bulk reads) and denials (repeated denials). */
    List<Window> windows(List<AuditEntry> events) {
        Map<String, Window> windows = new LinkedHashMap<>();
        for (AuditEntry e : events) {
            if (e.actorSubject() == null) {
                continue;
            }
            Instant hour = e.recordedAt().truncatedTo(ChronoUnit.HOURS);
            if ("PERMIT".equals(e.decision()) && e.childId() != null) {
                windows.merge("BULK_READS|" + e.actorSubject() + "|" + hour,
                        new Window("BULK_READS", e.actorSubject(), e.actorAgency(), hour, e.id(), e.recordedAt()), AnomalyRules::later);
            }
            if ("DENY".equals(e.decision())) {
                windows.merge("REPEATED_DENIALS|" + e.actorSubject() + "|" + hour,
                        new Window("REPEATED_DENIALS", e.actorSubject(), e.actorAgency(), hour, e.id(), e.recordedAt()), AnomalyRules::later);
            }
        }
        return new ArrayList<>(windows.values());
    }

    boolean outOfHours(Instant at) {
        ZonedDateTime local = ZonedDateTime.ofInstant(at, zone);
        LocalTime time = local.toLocalTime();
        return !workingDays.contains(local.getDayOfWeek()) || time.isBefore(dayStart) || !time.isBefore(dayEnd);
    }

    private static void merge(Map<String, Flag> flags, Flag flag) {
        flags.merge(flag.dedupeKey(), flag, (a, b) -> new Flag(a.kind(), a.dedupeKey(), a.agency(), a.subject(), a.childId(),
                a.windowStart(), a.windowEnd(), a.count() + b.count(), a.firstEventId(),
                a.lastEventAt().isAfter(b.lastEventAt()) ? a.lastEventAt() : b.lastEventAt(), a.summary(), a.agencies()));
    }

    private static Window later(Window a, Window b) {
        return new Window(a.kind(), a.subject(), a.agency(), a.start(), a.firstEventId(),
                a.lastEventAt().isAfter(b.lastEventAt()) ? a.lastEventAt() : b.lastEventAt());
    }
}
