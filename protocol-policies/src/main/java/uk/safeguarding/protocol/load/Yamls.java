package uk.safeguarding.protocol.load;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import uk.safeguarding.protocol.lint.Findings;
import uk.safeguarding.protocol.lint.LintRule;

/**
 * Parses YAML to a node tree only. Composing (not constructing) means no Java object is ever built
 * from a tag in the file, and the nodes keep the line marks the linter reports.
 */
public final class Yamls {

    private Yamls() {
    }

    private static LoaderOptions options() {
        LoaderOptions o = new LoaderOptions();
        // protocols are small, hand-written files; anything else is a mistake or an attack
        o.setMaxAliasesForCollections(20);
        o.setAllowRecursiveKeys(false);
        o.setCodePointLimit(1_000_000);
        o.setNestingDepthLimit(20);
        return o;
    }

    /** The single document of the text, or null after reporting a syntax error. */
    public static Node compose(String file, String text, Findings findings) {
        try {
            List<Node> docs = new ArrayList<>();
            new Yaml(options()).composeAll(new StringReader(text)).forEach(docs::add);
            if (docs.size() != 1) {
                findings.add(file, 1, LintRule.YAML_SYNTAX, "expected exactly one YAML document, found " + docs.size());
                return null;
            }
            return docs.get(0);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = m == null ? 1 : m.getLine() + 1;
            String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            findings.add(file, line, LintRule.YAML_SYNTAX, problem.trim());
            return null;
        } catch (YAMLException e) {
            findings.add(file, 1, LintRule.YAML_SYNTAX, String.valueOf(e.getMessage()).lines().findFirst().orElse("malformed YAML"));
            return null;
        }
    }
}
