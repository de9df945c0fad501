package uk.safeguarding.protocol.model;

import java.util.Map;

/**
 * Where an element came from: file, line, and the lines of its individual fields and list items
 * (keys such as {@code categories[2]} or {@code to.roles[0]}), so the linter can point at the exact
 * offending token rather than at the start of the rule.
 */
public record Origin(String file, int line, Map<String, Integer> fieldLines) {

    public Origin {
        fieldLines = Map.copyOf(fieldLines);
    }

    public static Origin of(String file, int line) {
        return new Origin(file, line, Map.of());
    }

    public int line(String path) {
        return fieldLines.getOrDefault(path, line);
    }
}
