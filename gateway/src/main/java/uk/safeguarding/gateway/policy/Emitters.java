package uk.safeguarding.gateway.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.Duty;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.RelationshipRequirement;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.StandingClause;

/**
 * What the gateway raises and creates, as data ({@code emitters.yaml}): the events its code records and
 * the relationship kinds it establishes. protocol-policies cannot see the gateway, so a protocol can
 * promise a duty on an event nothing raises, or a rule can wait for a relationship nothing creates; this
 * is where such dead promises are found ({@link #gaps}), by a test for the shipped protocols and at
 * start-up for an external protocol folder.
 */
public record Emitters(Map<String, Emitter> events, Map<String, Emitter> relationships) {

    static final String RESOURCE = "emitters.yaml";

    /** Who emits an event (or creates a kind), through which call, and the test that proves it. */
    public record Emitter(String name, String emitter, String route, String test) {
    }

    /** A protocol's promise that nothing in the gateway keeps. */
    public record Gap(String file, int line, String what) {

        @Override
        public String toString() {
            return file + ":" + line + ": " + what;
        }
    }

    public static Emitters shipped() {
        try (InputStream in = Emitters.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return new Emitters(section(doc, "events"), section(doc, "relationships"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Emitter> section(Map<String, Object> doc, String key) {
        Map<String, Emitter> out = new TreeMap<>();
        ((Map<String, Map<String, Object>>) doc.get(key)).forEach((name, e) -> out.put(name, new Emitter(name,
                String.valueOf(e.get("emitter")), String.valueOf(e.get("route")), String.valueOf(e.get("test")))));
        return out;
    }

    /**
     * Every duty whose event the gateway never raises, and every relationship kind a rule requires or a
     * relationship clause establishes that the gateway never creates, with the file and line declaring it.
     */
    public List<Gap> gaps(ProtocolSet protocols) {
        List<Gap> gaps = new ArrayList<>();
        for (Protocol p : protocols.protocols()) {
            for (Duty d : p.duties()) {
                if (!events.containsKey(d.event())) {
                    gaps.add(new Gap(d.origin().file(), d.origin().line(), "duty " + p.clauseRef(d.id())
                            + " is raised by event '" + d.event() + "', which nothing in the gateway emits"));
                }
            }
            for (SharingRule r : p.rules()) {
                if (r.relationship().kind() == RelationshipRequirement.Kind.ONE_OF) {
                    r.relationship().kinds().stream().sorted().filter(k -> !relationships.containsKey(k))
                            .forEach(k -> gaps.add(new Gap(r.origin().file(), r.origin().line(), "rule " + p.clauseRef(r.id())
                                    + " requires relationship '" + k + "', which nothing in the gateway creates")));
                }
            }
            for (StandingClause s : p.standing()) {
                s.kinds().stream().filter(k -> !relationships.containsKey(k))
                        .forEach(k -> gaps.add(new Gap(s.origin().file(), s.origin().line(), "relationship clause "
                                + p.clauseRef(s.id()) + " establishes '" + k + "', which nothing in the gateway creates")));
            }
        }
        return gaps;
    }

    /** Refuses a protocol set with a dead promise: the message names every one, a line each. */
    public void requireNoGaps(ProtocolSet protocols, String where) {
        List<Gap> gaps = gaps(protocols);
        if (!gaps.isEmpty()) {
            StringBuilder m = new StringBuilder("The protocols in " + where + " declare duties or relationship kinds "
                    + "that no gateway code emits (add the emitter, or remove the promise; see " + RESOURCE + "):");
            gaps.forEach(g -> m.append('\n').append(g));
            throw new IllegalStateException(m.toString());
        }
    }
}
