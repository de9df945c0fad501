package uk.safeguarding.protocol.load;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import uk.safeguarding.protocol.lint.Findings;
import uk.safeguarding.protocol.lint.LintRule;
import uk.safeguarding.protocol.model.Vocabulary;

/** Reads {@code vocabulary.yaml}, the code system protocols are checked against. */
final class VocabularyReader {

    private static final Set<String> TOP = new LinkedHashSet<>(List.of("agency-types", "agencies", "roles",
            "actions", "purposes", "lawful-bases", "categories", "relationships", "case-roles", "events", "case-dates"));

    private final String file;
    private final Findings findings;

    VocabularyReader(String file, Findings findings) {
        this.file = file;
        this.findings = findings;
    }

    Vocabulary read(String text) {
        Node root = Yamls.compose(file, text, findings);
        if (root == null) {
            return null;
        }
        Map<String, Integer> lines = new HashMap<>();
        YamlMap top = YamlMap.of(file, findings, root, "vocabulary", "", lines, TOP);
        if (top == null) {
            return null;
        }
        for (String k : TOP) {
            if (!top.has(k)) {
                top.missing(k, LintRule.MISSING_FIELD, "vocabulary has no '" + k + "'");
            }
        }
        Map<String, Vocabulary.Action> actions = new LinkedHashMap<>();
        entries(top.raw("actions")).forEach((code, node) -> {
            YamlMap a = YamlMap.of(file, findings, node, "action '" + code + "'", "", lines, Set.of("meaning", "actor"));
            if (a != null) {
                String actor = a.string("actor", true);
                if (actor != null && !actor.equals("from") && !actor.equals("to")) {
                    a.report(a.raw("actor"), LintRule.INVALID_VALUE, "actor of action '" + code + "' must be 'from' or 'to'");
                }
                actions.put(code, new Vocabulary.Action(a.string("meaning", true), "from".equals(actor)));
            }
        });
        Map<String, Vocabulary.LawfulBasis> bases = new LinkedHashMap<>();
        entries(top.raw("lawful-bases")).forEach((code, node) -> {
            YamlMap b = YamlMap.of(file, findings, node, "lawful basis '" + code + "'", "", lines,
                    Set.of("meaning", "special", "consent", "article-6", "valid-from", "agency-types"));
            if (b != null) {
                java.util.List<String> types = b.strings("agency-types", false);
                bases.put(code, new Vocabulary.LawfulBasis(b.string("meaning", true),
                        Boolean.TRUE.equals(b.bool("special", true)), Boolean.TRUE.equals(b.bool("consent", true)),
                        b.string("article-6", false), b.date("valid-from", false), types == null ? java.util.List.of() : types));
            }
        });
        Map<String, Vocabulary.Category> categories = new LinkedHashMap<>();
        entries(top.raw("categories")).forEach((code, node) -> {
            YamlMap c = YamlMap.of(file, findings, node, "category '" + code + "'", "", lines, Set.of("meaning", "special"));
            if (c != null) {
                categories.put(code, new Vocabulary.Category(c.string("meaning", true), Boolean.TRUE.equals(c.bool("special", true))));
            }
        });
        return new Vocabulary(texts(top.raw("agency-types")), texts(top.raw("agencies")), texts(top.raw("roles")),
                actions, texts(top.raw("purposes")), bases, categories, texts(top.raw("relationships")),
                texts(top.raw("case-roles")), texts(top.raw("events")), texts(top.raw("case-dates")));
    }

    private Map<String, Node> entries(Node n) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof MappingNode)) {
            findings.add(file, YamlMap.line(n), LintRule.WRONG_TYPE, "vocabulary sections are mappings of code to meaning");
            return out;
        }
        for (NodeTuple t : ((MappingNode) n).getValue()) {
            if (t.getKeyNode() instanceof ScalarNode) {
                String code = ((ScalarNode) t.getKeyNode()).getValue();
                if (out.put(code, t.getValueNode()) != null) {
                    findings.add(file, YamlMap.line(t.getKeyNode()), LintRule.DUPLICATE_KEY, "code '" + code + "' defined twice");
                }
            } else {
                findings.add(file, YamlMap.line(t.getKeyNode()), LintRule.WRONG_TYPE, "codes must be plain strings");
            }
        }
        return out;
    }

    private Map<String, String> texts(Node n) {
        Map<String, String> out = new LinkedHashMap<>();
        entries(n).forEach((code, v) -> {
            if (v instanceof ScalarNode) {
                out.put(code, ((ScalarNode) v).getValue());
            } else {
                findings.add(file, YamlMap.line(v), LintRule.WRONG_TYPE, "meaning of '" + code + "' must be text");
            }
        });
        return out;
    }
}
