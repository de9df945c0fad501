package uk.safeguarding.protocol.load;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import uk.safeguarding.protocol.lint.Findings;
import uk.safeguarding.protocol.lint.LintRule;
import uk.safeguarding.protocol.model.Choice;

/**
 * A schema-checking view of one YAML mapping node. Every getter reports what is wrong (with the line
 * of the offending node) and returns null, so one pass over a file reports every schema violation
 * instead of stopping at the first. Lines of the values read are recorded under dotted paths
 * ({@code to.roles[admin]}) for the semantic linter, which runs later on the model.
 */
final class YamlMap {

    private final String file;
    private final Findings findings;
    private final MappingNode node;
    private final String what;
    private final String path;
    private final Map<String, Integer> lines;
    private final Map<String, Node> values = new LinkedHashMap<>();

    private YamlMap(String file, Findings findings, MappingNode node, String what, String path,
            Map<String, Integer> lines, Set<String> allowed) {
        this.file = file;
        this.findings = findings;
        this.node = node;
        this.what = what;
        this.path = path;
        this.lines = lines;
        for (NodeTuple t : node.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode)) {
                report(k, LintRule.WRONG_TYPE, "keys in " + what + " must be plain strings");
                continue;
            }
            String key = ((ScalarNode) k).getValue();
            if (values.containsKey(key)) {
                report(k, LintRule.DUPLICATE_KEY, "key '" + key + "' appears twice in " + what);
            } else if (!allowed.contains(key)) {
                report(k, LintRule.UNKNOWN_KEY, "unknown key '" + key + "' in " + what + "; expected one of "
                        + String.join(", ", allowed));
            } else {
                values.put(key, t.getValueNode());
                lines.put(path + key, line(t.getValueNode()));
            }
        }
    }

    /** Wraps a node expected to be a mapping; reports and returns null otherwise. */
    static YamlMap of(String file, Findings findings, Node node, String what, String path,
            Map<String, Integer> lines, Set<String> allowed) {
        if (!(node instanceof MappingNode)) {
            findings.add(file, line(node), LintRule.WRONG_TYPE, what + " must be a mapping (key: value)");
            return null;
        }
        return new YamlMap(file, findings, (MappingNode) node, what, path, lines, allowed);
    }

    static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    int line() {
        return line(node);
    }

    int line(String key) {
        Node v = values.get(key);
        return v == null ? line() : line(v);
    }

    String what() {
        return what;
    }

    boolean has(String key) {
        Node v = values.get(key);
        return v != null && !isNull(v);
    }

    Node raw(String key) {
        return values.get(key);
    }

    void missing(String key, LintRule rule, String message) {
        findings.add(file, line(), rule, message);
    }

    void report(Node at, LintRule rule, String message) {
        findings.add(file, line(at), rule, message);
    }

    private Node get(String key, boolean required) {
        Node v = values.get(key);
        if (v == null || isNull(v)) {
            if (required) {
                findings.add(file, v == null ? line() : line(v), LintRule.MISSING_FIELD,
                        what + " has no '" + key + "'");
            }
            return null;
        }
        return v;
    }

    private static boolean isNull(Node v) {
        return v instanceof ScalarNode && v.getTag().equals(Tag.NULL);
    }

    String string(String key, boolean required) {
        Node v = get(key, required);
        if (v == null) {
            return null;
        }
        if (!(v instanceof ScalarNode)) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a single value, not a list or mapping");
            return null;
        }
        return ((ScalarNode) v).getValue();
    }

    Integer integer(String key, boolean required) {
        Node v = get(key, required);
        if (v == null) {
            return null;
        }
        if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.INT)) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a whole number");
            return null;
        }
        try {
            return Integer.valueOf(((ScalarNode) v).getValue());
        } catch (NumberFormatException e) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a whole number");
            return null;
        }
    }

    Boolean bool(String key, boolean required) {
        Node v = get(key, required);
        if (v == null) {
            return null;
        }
        if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.BOOL)) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be true or false");
            return null;
        }
        return Boolean.valueOf(((ScalarNode) v).getValue().toLowerCase());
    }

    LocalDate date(String key, boolean required) {
        String s = string(key, required);
        if (s == null) {
            return null;
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            report(values.get(key), LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a date (YYYY-MM-DD), not '" + s + "'");
            return null;
        }
    }

    /** A list of plain values; each item's line is recorded as {@code key[value]}. */
    List<String> strings(String key, boolean required) {
        Node v = get(key, required);
        if (v == null) {
            return null;
        }
        if (!(v instanceof SequenceNode)) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a list, e.g. [a, b]");
            return null;
        }
        List<String> out = new ArrayList<>();
        List<Node> items = ((SequenceNode) v).getValue();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (!(item instanceof ScalarNode) || isNull(item)) {
                report(item, LintRule.WRONG_TYPE, "items of '" + key + "' in " + what + " must be plain values");
                continue;
            }
            String value = ((ScalarNode) item).getValue();
            lines.putIfAbsent(path + key + "[" + value + "]", line(item));
            out.add(value);
        }
        if (out.isEmpty() && items.isEmpty()) {
            report(v, LintRule.INVALID_VALUE, "'" + key + "' in " + what + " is empty; list the codes, or write 'any' where allowed");
        }
        return out;
    }

    /** Either the word {@code any} or a list of codes. */
    Choice choice(String key, boolean required) {
        Node v = get(key, required);
        if (v == null) {
            return null;
        }
        if (v instanceof ScalarNode) {
            String s = ((ScalarNode) v).getValue();
            if ("any".equals(s)) {
                return Choice.ANY;
            }
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be 'any' or a list, not '" + s + "'");
            return null;
        }
        List<String> list = strings(key, required);
        return list == null ? null : Choice.of(new LinkedHashSet<>(list));
    }

    YamlMap map(String key, boolean required, String childWhat, Set<String> allowed) {
        Node v = get(key, required);
        return v == null ? null : of(file, findings, v, childWhat, path + key + ".", lines, allowed);
    }

    /** A list of mappings; returns nodes so callers can name each child (e.g. by its id). */
    List<Node> nodes(String key, boolean required) {
        Node v = get(key, required);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof SequenceNode)) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a list");
            return List.of();
        }
        return ((SequenceNode) v).getValue();
    }

    /** A mapping of plain values to plain values (e.g. category to handling condition). */
    Map<String, String> stringMap(String key) {
        Node v = get(key, false);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof MappingNode)) {
            report(v, LintRule.WRONG_TYPE, "'" + key + "' in " + what + " must be a mapping");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) v).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode) || !(t.getValueNode() instanceof ScalarNode)) {
                report(t.getKeyNode(), LintRule.WRONG_TYPE, "entries of '" + key + "' in " + what + " must be 'code: text'");
                continue;
            }
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            lines.put(path + key + "." + k, line(t.getKeyNode()));
            out.put(k, ((ScalarNode) t.getValueNode()).getValue());
        }
        return out;
    }
}
