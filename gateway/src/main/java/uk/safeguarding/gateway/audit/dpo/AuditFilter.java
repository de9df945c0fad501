package uk.safeguarding.gateway.audit.dpo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.PurposeOfUse;

/**
 * The DPO's audit search filters, validated all at once so one 400 names every bad field. Query
 * parameters arrive as strings on purpose: a JAX-RS conversion failure would answer 404, not a
 * problem that names the field.
 */
record AuditFilter(String childSystem, String childValue, UUID childId, String agency, String user, String purpose,
        String decision, Boolean override, Instant from, Instant to, int limit, Cursor after) {

    static final Set<String> DECISIONS = Set.of("PERMIT", "DENY", "ERROR", "NONE");
    private static final Pattern AGENCY = Pattern.compile("[a-z]+:[A-Za-z0-9._-]{1,40}");

    /** Keyset position: the last row of the previous page, newest first. */
    record Cursor(Instant recordedAt, UUID id) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("v1|" + recordedAt + "|" + id).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor decode(String text) {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split("\\|");
            if (parts.length != 3 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Cursor(Instant.parse(parts[1]), UUID.fromString(parts[2]));
        }
    }

    /** Builder-ish collector of raw parameters. */
    static final class Raw {
        String child;
        String childId;
        String agency;
        String user;
        String purpose;
        String decision;
        String override;
        String from;
        String to;
        String limit;
        String cursor;
    }

    static AuditFilter parse(Raw raw, int defaultLimit, int maxLimit) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String system = null;
        String value = null;
        if (present(raw.child)) {
            int bar = raw.child.indexOf('|');
            if (bar <= 0 || bar == raw.child.length() - 1) {
                errors.add(error("child", "IDENTIFIER_FORMAT", "Give the child's identifier as system|value, e.g. "
                        + "https://fhir.nhs.uk/Id/nhs-number|9434765919."));
            } else {
                system = raw.child.substring(0, bar);
                value = raw.child.substring(bar + 1);
            }
        }
        UUID childId = null;
        if (present(raw.childId)) {
            childId = uuid(raw.childId, "childId", errors);
            if (present(raw.child)) {
                errors.add(error("childId", "ONE_CHILD_FILTER", "Give either child (an identifier) or childId, not both."));
            }
        }
        if (present(raw.agency) && !AGENCY.matcher(raw.agency).matches()) {
            errors.add(error("agency", "AGENCY_FORMAT", "An agency id looks like police:met or la:E09000030."));
        }
        if (present(raw.user) && raw.user.length() > 200) {
            errors.add(error("user", "TOO_LONG", "A user (token subject) is at most 200 characters."));
        }
        if (present(raw.purpose) && PurposeOfUse.fromCode(raw.purpose).isEmpty()) {
            errors.add(error("purpose", "UNKNOWN_PURPOSE", "purpose must be one of " + PurposeOfUse.allowedCodes() + "."));
        }
        if (present(raw.decision) && !DECISIONS.contains(raw.decision)) {
            errors.add(error("decision", "UNKNOWN_DECISION", "decision must be one of PERMIT, DENY, ERROR, NONE."));
        }
        Boolean override = null;
        if (present(raw.override)) {
            if (!raw.override.equals("true") && !raw.override.equals("false")) {
                errors.add(error("override", "NOT_BOOLEAN", "override must be true or false."));
            } else {
                override = Boolean.valueOf(raw.override);
            }
        }
        Instant from = time(raw.from, "from", errors);
        Instant to = time(raw.to, "to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(error("to", "EMPTY_RANGE", "to must be later than from."));
        }
        int limit = defaultLimit;
        if (present(raw.limit)) {
            try {
                limit = Integer.parseInt(raw.limit);
                if (limit < 1 || limit > maxLimit) {
                    errors.add(error("limit", "OUT_OF_RANGE", "limit must be between 1 and " + maxLimit + "."));
                }
            } catch (NumberFormatException e) {
                errors.add(error("limit", "NOT_A_NUMBER", "limit must be a whole number."));
            }
        }
        Cursor after = null;
        if (present(raw.cursor)) {
            try {
                after = Cursor.decode(raw.cursor);
            } catch (RuntimeException e) {
                errors.add(error("cursor", "BAD_CURSOR", "cursor must be a value returned as nextCursor."));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_FILTER", "One or more filters are invalid; see errors.", errors);
        }
        return new AuditFilter(system, value, childId, blankToNull(raw.agency), blankToNull(raw.user),
                blankToNull(raw.purpose), blankToNull(raw.decision), override, from, to, limit, after);
    }

    AuditFilter withChildId(UUID id) {
        return new AuditFilter(null, null, id, agency, user, purpose, decision, override, from, to, limit, after);
    }

    boolean byIdentifier() {
        return childSystem != null;
    }

    static Problem.FieldError error(String field, String rule, String message) {
        return new Problem.FieldError(field, rule, message);
    }

    /** An ISO-8601 instant (2025-03-01T09:00:00Z) or a date, meaning its start in UTC. */
    static Instant time(String text, String field, List<Problem.FieldError> errors) {
        if (!present(text)) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(error(field, "NOT_A_TIME", field + " must be an ISO-8601 instant (2025-03-01T09:00:00Z) or a date (2025-03-01)."));
            return null;
        }
    }

    static UUID uuid(String text, String field, List<Problem.FieldError> errors) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            errors.add(error(field, "NOT_A_UUID", field + " must be a UUID."));
            return null;
        }
    }

    static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    private static String blankToNull(String text) {
        return present(text) ? text : null;
    }
}
