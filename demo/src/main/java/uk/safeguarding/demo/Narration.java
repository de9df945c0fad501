package uk.safeguarding.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * How the journey tells what happened: each step's story in plain English, every request with who
 * sent it and what came back, which agency systems were told (from the receivers) and how quickly,
 * and the expectations it checked. The demo prints this; the CI test asserts the checks.
 */
public abstract class Narration {

    /** One expectation of a step and what was actually seen. */
    public record Check(String expectation, boolean passed, String observed) {
    }

    /** What a step did. {@code facts} carries the values the CI test asserts on. */
    public record Step(int number, String title, List<Check> checks, Map<String, Object> facts) {

        public boolean passed() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        }
    }

    /** How long the receivers are given to hear about an event ("within seconds"). */
    static final Duration DELIVERY_WAIT = Duration.ofSeconds(15);

    protected final Api api;
    protected final Receivers receivers;
    private final Consumer<String> out;
    private final Runnable pause;
    private final List<Step> steps = new ArrayList<>();
    private List<Check> checks;
    private Map<String, Object> facts;

    Narration(Api api, Receivers receivers, Consumer<String> out, Runnable pause) {
        this.api = api;
        this.receivers = receivers;
        this.out = out;
        this.pause = pause;
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** How many steps the journey has (the header says "Step n of N"). */
    static final int STEPS = 9;

    protected void begin(int number, String title, String story) {
        checks = new ArrayList<>();
        facts = new LinkedHashMap<>();
        steps.add(new Step(number, title, checks, facts));
        out.accept("");
        out.accept("━━━ Step " + number + " of " + STEPS + ": " + title + " " + "━".repeat(Math.max(3, 70 - title.length())));
        for (String line : wrap(story, 96)) {
            out.accept("  " + line);
        }
        out.accept("");
    }

    protected void end() {
        Step step = steps.get(steps.size() - 1);
        out.accept("");
        out.accept(step.passed() ? "  Step " + step.number() + ": every expectation met."
                : "  Step " + step.number() + ": SOMETHING DID NOT HAPPEN AS EXPECTED (see ✘ above).");
        pause.run();
    }

    /** Something the story needs that the gateway does not do today: said plainly, never faked. */
    @SuppressWarnings("unchecked")
    protected void gap(String text) {
        ((List<String>) facts.computeIfAbsent("gaps", k -> new ArrayList<String>())).add(text);
        List<String> lines = wrap("NOT DONE BY THE GATEWAY TODAY: " + text, 92);
        for (int i = 0; i < lines.size(); i++) {
            out.accept((i == 0 ? "  ⚠ " : "    ") + lines.get(i));
        }
    }

    /** A value an earlier step recorded (later steps build on it). */
    protected Object stepFact(int number, String key) {
        return steps.stream().filter(s -> s.number() == number).findFirst().map(s -> s.facts().get(key)).orElse(null);
    }

    protected void fact(String key, Object value) {
        facts.put(key, value);
    }

    protected void say(String text) {
        for (String line : wrap(text, 94)) {
            out.accept("    " + line);
        }
    }

    protected boolean check(String expectation, boolean passed, String observed) {
        checks.add(new Check(expectation, passed, observed));
        out.accept("  " + (passed ? "✔ " : "✘ ") + expectation + (observed == null || observed.isEmpty() ? "" : " (" + observed + ")"));
        return passed;
    }

    /** Prints a request and its answer in one or two lines; never the token. */
    protected Api.Call show(Api.Call call, String what) {
        out.accept("  → " + call.as() + ": " + call.method() + " " + call.path()
                + (call.purpose() == null ? "" : "  [Purpose-Of-Use: " + call.purpose() + "]") + (what == null ? "" : "  " + what));
        String summary = call.code() != null ? call.code() + (call.str("detail") == null ? "" : ": " + call.str("detail")) : "";
        out.accept("  ← " + call.status() + " in " + call.millis() + " ms" + (summary.isEmpty() ? "" : "  " + summary));
        for (Object e : Json.list(call.body(), "errors")) {
            out.accept("      " + Json.str(e, "field") + "  " + Json.str(e, "rule") + ": " + Json.str(e, "message"));
        }
        return call;
    }

    /**
     * Waits for each expected agency's system to receive {@code event} about the child, prints who
     * was told and how long after the request started, and checks every delivery verified.
     */
    protected Map<String, Receivers.Delivery> told(String event, String about, Set<String> expected, long startNanos) {
        Map<String, Receivers.Delivery> got = receivers.await(event, about, startNanos, expected, DELIVERY_WAIT);
        // Everyone who got it, expected or not, so an over-share would show up here.
        Map<String, Receivers.Delivery> all = receivers.received(event, about, startNanos);
        long slowest = 0;
        for (Map.Entry<String, Receivers.Delivery> e : all.entrySet()) {
            long ms = (e.getValue().receivedNanos() - startNanos) / 1_000_000;
            slowest = expected.contains(e.getKey()) ? Math.max(slowest, ms) : slowest;
            out.accept("  ✉ " + Journey.name(e.getKey()) + "'s system received '" + event + "' " + ms
                    + " ms after the request (signature " + (e.getValue().verified() ? "verified" : "NOT verified") + ")"
                    + released(e.getValue()));
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(got.keySet());
        check("'" + event + "' reached " + expected.size() + " agency system(s) with a valid signature",
                missing.isEmpty() && got.values().stream().allMatch(Receivers.Delivery::verified),
                missing.isEmpty() ? "slowest " + slowest + " ms" : "not received by " + missing);
        fact(event + ".receivedBy", new TreeSet<>(all.keySet()));
        fact(event + ".slowestMillis", slowest);
        return got;
    }

    private static String released(Receivers.Delivery d) {
        Object data = d.data().get("data");
        String released = data instanceof Map<?, ?> m ? "; it was given " + new TreeSet<>(m.keySet()) : "";
        List<Object> withheld = Json.list(d.data(), "withheld");
        return released + (withheld.isEmpty() ? "" : ", withheld " + withheld);
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
