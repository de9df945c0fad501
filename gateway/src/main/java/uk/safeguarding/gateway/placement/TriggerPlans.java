package uk.safeguarding.gateway.placement;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;

/**
 * A trigger plan as written: checked field by field, every problem at once, and returned in the one
 * shape it is stored and released in (unknown fields are refused, not dropped, so an author never
 * believes the police were given something they were not).
 */
final class TriggerPlans {

    static final int MAX_ITEMS = 50;
    static final int MAX_TEXT = 2000;
    /** Thresholds are counted from the time the child was last seen: at most 30 days. */
    static final int MAX_MINUTES = 30 * 24 * 60;
    /** A plan is reviewed at least once a year. */
    static final int MAX_REVIEW_DAYS = 366;

    private static final Set<String> TOP = Set.of("reviewDate", "actions", "thresholds", "places", "people", "notes",
            "supersedes");

    /** A checked plan: the stored content, its review date, the version it replaces, its free text by field. */
    record Checked(Map<String, Object> plan, LocalDate reviewDate, UUID supersedes, Map<String, String> text) {
    }

    private TriggerPlans() {
    }

    static Checked check(Map<String, Object> body, LocalDate today) {
        if (body == null || body.isEmpty()) {
            throw ApiException.badRequest("body", "REQUIRED", "A trigger plan (JSON object) is required.");
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> text = new LinkedHashMap<>();
        for (String key : body.keySet()) {
            if (!TOP.contains(key)) {
                errors.add(new FieldError("/" + key, "UNKNOWN_FIELD", "'" + key + "' is not a trigger plan field; one of " + TOP + "."));
            }
        }
        LocalDate review = reviewDate(body.get("reviewDate"), today, errors);
        UUID supersedes = null;
        if (body.get("supersedes") != null) {
            try {
                supersedes = UUID.fromString(String.valueOf(body.get("supersedes")));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("/supersedes", "INVALID_ID", "supersedes must be the id of the version this replaces."));
            }
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("reviewDate", review == null ? null : review.toString());
        plan.put("actions", items(body, "actions", true, List.of(req("who"), req("what")), errors, text));
        plan.put("thresholds", items(body, "thresholds", false, List.of(minutes("afterMinutes"), req("action")), errors, text));
        plan.put("places", items(body, "places", false, List.of(req("place"), opt("note")), errors, text));
        plan.put("people", items(body, "people", false, List.of(req("name"), opt("relationship"), opt("note")), errors, text));
        Object notes = body.get("notes");
        if (notes != null) {
            String n = text("/notes", notes, false, errors);
            if (n != null) {
                plan.put("notes", n);
                text.put("/notes", n);
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_TRIGGER_PLAN", "The trigger plan is invalid; see errors.", errors);
        }
        return new Checked(plan, review, supersedes, text);
    }

    private static LocalDate reviewDate(Object value, LocalDate today, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError("/reviewDate", "REQUIRED", "reviewDate (YYYY-MM-DD) is required: when the plan is next reviewed."));
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("/reviewDate", "INVALID_DATE", "reviewDate must be a date, YYYY-MM-DD."));
            return null;
        }
        if (date.isBefore(today) || date.isAfter(today.plusDays(MAX_REVIEW_DAYS))) {
            errors.add(new FieldError("/reviewDate", "REVIEW_DATE_RANGE",
                    "reviewDate must be from today to " + MAX_REVIEW_DAYS + " days ahead."));
            return null;
        }
        return date;
    }

    /** One field of an item: its name, whether required, and whether it is a count of minutes. */
    private record Field(String name, boolean required, boolean minutes) {
    }

    private static Field req(String name) {
        return new Field(name, true, false);
    }

    private static Field opt(String name) {
        return new Field(name, false, false);
    }

    private static Field minutes(String name) {
        return new Field(name, true, true);
    }

    private static List<Map<String, Object>> items(Map<String, Object> body, String key, boolean required, List<Field> fields,
            List<FieldError> errors, Map<String, String> text) {
        Object value = body.get(key);
        List<Map<String, Object>> out = new ArrayList<>();
        if (value == null) {
            if (required) {
                errors.add(new FieldError("/" + key, "REQUIRED", key + " is required: at least one entry."));
            }
            return out;
        }
        if (!(value instanceof List<?> list)) {
            errors.add(new FieldError("/" + key, "WRONG_TYPE", key + " must be an array."));
            return out;
        }
        if (required && list.isEmpty()) {
            errors.add(new FieldError("/" + key, "REQUIRED", key + " needs at least one entry."));
        }
        if (list.size() > MAX_ITEMS) {
            errors.add(new FieldError("/" + key, "TOO_MANY", key + " has at most " + MAX_ITEMS + " entries."));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "/" + key + "/" + i;
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                errors.add(new FieldError(at, "WRONG_TYPE", at + " must be an object."));
                continue;
            }
            Map<String, Object> clean = new LinkedHashMap<>();
            for (Object k : item.keySet()) {
                if (fields.stream().noneMatch(f -> f.name().equals(k))) {
                    errors.add(new FieldError(at + "/" + k, "UNKNOWN_FIELD", "'" + k + "' is not a field of " + key + "."));
                }
            }
            for (Field f : fields) {
                String path = at + "/" + f.name();
                Object v = item.get(f.name());
                if (f.minutes()) {
                    if (!(v instanceof Integer n) || n < 1 || n > MAX_MINUTES) {
                        errors.add(new FieldError(path, "MINUTES_RANGE", path + " must be a whole number of minutes, 1 to "
                                + MAX_MINUTES + "."));
                    } else {
                        clean.put(f.name(), n);
                    }
                    continue;
                }
                if (v == null) {
                    if (f.required()) {
                        errors.add(new FieldError(path, "REQUIRED", path + " is required."));
                    }
                    continue;
                }
                String s = text(path, v, f.required(), errors);
                if (s != null) {
                    clean.put(f.name(), s);
                    text.put(path, s);
                }
            }
            out.add(clean);
        }
        return out;
    }

    private static String text(String path, Object v, boolean required, List<FieldError> errors) {
        if (!(v instanceof String s)) {
            errors.add(new FieldError(path, "WRONG_TYPE", path + " must be text."));
            return null;
        }
        if (required && s.isBlank()) {
            errors.add(new FieldError(path, "REQUIRED", path + " must not be blank."));
            return null;
        }
        if (s.length() > MAX_TEXT) {
            errors.add(new FieldError(path, "TOO_LONG", path + " has at most " + MAX_TEXT + " characters."));
            return null;
        }
        return s;
    }
}
