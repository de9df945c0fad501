package uk.safeguarding.gateway.fhir;

import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.referral.ReferralViews;

/**
 * ServiceRequest search by R4's names: {@code subject:identifier} (and the chained forms
 * {@code subject:Patient.identifier} and {@code subject.identifier}, the same search), {@code status},
 * {@code authored} (authoredOn), {@code _lastUpdated} and {@code _count} with {@code next} links. A
 * parameter the gateway does not support is refused, never silently ignored: an ignored filter would
 * return more than the client asked for.
 */
final class ReferralSearch {

    static final Set<String> SUBJECT = Set.of("subject:identifier", "subject:Patient.identifier", "subject.identifier");
    static final Set<String> SUPPORTED = Set.of("subject:identifier", "subject:Patient.identifier", "subject.identifier",
            "status", "authored", "_lastUpdated", "_count", "_offset", "_format");
    static final int DEFAULT_COUNT = 20;
    static final int MAX_COUNT = 100;
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    /** The search, parsed: identifier, filters and the page. */
    record Params(String system, String value, String status, Instant authoredFrom, Instant authoredTo,
            Instant updatedFrom, Instant updatedTo, int count, int offset) {
    }

    private ReferralSearch() {
    }

    static Params parse(UriInfo uri) {
        var query = uri.getQueryParameters();
        for (String name : query.keySet()) {
            if (!SUPPORTED.contains(name)) {
                throw ApiException.badRequest(name, "SEARCH_PARAMETER_UNKNOWN", "Not a search parameter here"
                        + ("date".equals(name) ? ": R4 calls authoredOn's parameter 'authored'." : ".")
                        + " Supported: subject:identifier, status, authored, _lastUpdated, _count.");
            }
        }
        List<String> identifiers = SUBJECT.stream().flatMap(n -> Objects.requireNonNullElse(query.get(n), List.<String>of()).stream()).toList();
        String token = identifiers.size() == 1 ? identifiers.get(0) : null;
        if (token == null || !token.contains("|") || token.startsWith("|") || token.endsWith("|")) {
            throw ApiException.badRequest("subject:identifier", "SEARCH_IDENTIFIER_REQUIRED",
                    "Search by one child identifier as system|value, e.g. subject:identifier=" + ChildIndex.NHS_NUMBER + "|9434765919.");
        }
        String status = query.getFirst("status");
        if (status != null && !List.of("active", "completed").contains(status)) {
            throw ApiException.badRequest("status", "CODED_VALUE", "status is active or completed.");
        }
        Instant[] authored = ranges("authored", query.get("authored"));
        Instant[] updated = ranges("_lastUpdated", query.get("_lastUpdated"));
        int count = integer(query.getFirst("_count"), "_count", DEFAULT_COUNT, 1, MAX_COUNT);
        int offset = integer(query.getFirst("_offset"), "_offset", 0, 0, MAX_COUNT * 100);
        int bar = token.indexOf('|');
        return new Params(token.substring(0, bar), token.substring(bar + 1), status, authored[0], authored[1],
                updated[0], updated[1], count, offset);
    }

    /** When the referral or any recipient's response last changed: the ServiceRequest's meta.lastUpdated. */
    static OffsetDateTime lastUpdated(ReferralViews.Read view) {
        return Stream.concat(Stream.of(view.createdAt()), view.recipients().stream()
                        .flatMap(r -> Stream.of(r.acknowledgedAt(), r.decidedAt())))
                .filter(Objects::nonNull).max(OffsetDateTime::compareTo).orElse(view.createdAt());
    }

    static boolean updatedWithin(ReferralViews.Read view, Params p) {
        Instant updated = lastUpdated(view).toInstant();
        return (p.updatedFrom() == null || !updated.isBefore(p.updatedFrom()))
                && (p.updatedTo() == null || updated.isBefore(p.updatedTo()));
    }

    /** The intersection of every value's [from, to), by London day. */
    private static Instant[] ranges(String name, List<String> values) {
        Instant from = null;
        Instant to = null;
        for (String value : values == null ? List.<String>of() : values) {
            Instant[] range = range(name, value);
            from = range[0] != null && (from == null || range[0].isAfter(from)) ? range[0] : from;
            to = range[1] != null && (to == null || range[1].isBefore(to)) ? range[1] : to;
        }
        return new Instant[] {from, to};
    }

    /** A FHIR date search value with an optional prefix, as a [from, to) range of London days. */
    static Instant[] range(String name, String value) {
        String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
        String date = prefix.equals("eq") && !value.startsWith("eq") ? value : value.substring(2);
        Instant start;
        Instant next;
        try {
            if (date.length() > 10) {
                // A dateTime with its offset (HAPI's client sends these for _lastUpdated): to the second.
                start = OffsetDateTime.parse(date).toInstant();
                next = start.plusSeconds(1);
            } else {
                LocalDate day = LocalDate.parse(date);
                start = day.atStartOfDay(LONDON).toInstant();
                next = day.plusDays(1).atStartOfDay(LONDON).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name, "SEARCH_DATE", "Use a date YYYY-MM-DD, or a dateTime with its offset,"
                    + " with an optional prefix eq, ge, gt, le, lt.");
        }
        return switch (prefix) {
            case "eq" -> new Instant[] {start, next};
            case "ge" -> new Instant[] {start, null};
            case "gt" -> new Instant[] {next, null};
            case "le" -> new Instant[] {null, next};
            case "lt" -> new Instant[] {null, start};
            default -> throw ApiException.badRequest(name, "SEARCH_DATE", "Unknown date prefix " + prefix + ".");
        };
    }

    private static int integer(String value, String name, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name, "SEARCH_NUMBER", name + " is a whole number from " + min + " to " + max + ".");
    }

    /** The next page's URL: the same search with the offset moved on. */
    static String pageUrl(UriInfo uri, int offset) {
        return uri.getRequestUriBuilder().replaceQueryParam("_offset", offset).build().toString();
    }

    static <T> List<T> page(List<T> all, Params p) {
        return new ArrayList<>(all.subList(Math.min(p.offset(), all.size()), Math.min(p.offset() + p.count(), all.size())));
    }
}
