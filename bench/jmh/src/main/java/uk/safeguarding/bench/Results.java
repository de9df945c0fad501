package uk.safeguarding.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Records figures for bench/run's steps and turns them into the results file and the tables of
 * docs/PERFORMANCE.md. Steps only append JSON lines to their own file in the run directory; all the
 * statistics (median, min-max, ratio to the baseline, target met) are computed here, once.
 *
 * <pre>
 *   Results step    OUT --step S --title T [--about TEXT]
 *   Results figure  OUT --step S --figure F --unit U --runs 1,2,3 [--better lower|higher]
 *                       [--baseline LABEL --baseline-runs 4,5,6] [--target TEXT --target-op '<='|'>='
 *                       --target-value V [--target-on value|ratio]] [--note TEXT]
 *   Results jmh     OUT --step S --json JMH.json --pair 'LABEL|METHOD[|BASELINE LABEL|BASELINE METHOD]'...
 *                       [--percentiles 50,99] [--target 'P|OP|VALUE|value|TEXT']...
 *   Results note    OUT --step S --text TEXT
 *   Results pending OUT --step S --title T --waits TEXT [--targets TEXT]
 *   Results failed  OUT --step S --text TEXT
 *   Results report  FIGURES_DIR --results FILE --doc docs/PERFORMANCE.md --command CMD --machine FILE --run ID
 * </pre>
 */
public final class Results {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    private Results() {
    }

    public static void main(String[] argv) throws Exception {
        String command = argv[0];
        Path out = Path.of(argv[1]);
        Map<String, List<String>> opts = options(Arrays.copyOfRange(argv, 2, argv.length));
        switch (command) {
            case "step" -> append(out, record("step", opts, "step", "title", "about"));
            case "note" -> append(out, record("note", opts, "step", "text"));
            case "failed" -> append(out, record("failed", opts, "step", "text"));
            case "pending" -> append(out, record("pending", opts, "step", "title", "waits", "targets"));
            case "figure" -> append(out, figure(opts));
            case "jmh" -> jmh(out, opts);
            case "report" -> report(out, opts);
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
    }

    // ------------------------------------------------------------------ recording

    private static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            opts.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        return opts;
    }

    private static String one(Map<String, List<String>> opts, String name) {
        List<String> values = opts.get(name);
        return values == null ? null : values.get(0);
    }

    private static ObjectNode record(String type, Map<String, List<String>> opts, String... names) {
        ObjectNode node = LINE.createObjectNode().put("type", type);
        for (String name : names) {
            String value = one(opts, name);
            if (value != null) {
                node.put(name, value);
            }
        }
        return node;
    }

    private static synchronized void append(Path out, ObjectNode record) throws IOException {
        Files.writeString(out, LINE.writeValueAsString(record) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static ObjectNode figure(Map<String, List<String>> opts) {
        ObjectNode node = record("figure", opts, "step", "figure", "unit", "better", "baseline", "target",
                "target-op", "target-on", "note");
        node.set("runs", numbers(one(opts, "runs")));
        if (one(opts, "baseline-runs") != null) {
            node.set("baseline-runs", numbers(one(opts, "baseline-runs")));
        }
        if (one(opts, "target-value") != null) {
            node.put("target-value", Double.parseDouble(one(opts, "target-value")));
        }
        return node;
    }

    private static ArrayNode numbers(String csv) {
        ArrayNode array = LINE.createArrayNode();
        if (csv != null && !csv.isBlank()) {
            for (String value : csv.split(",")) {
                array.add(Double.parseDouble(value.trim()));
            }
        }
        return array;
    }

    /** One figure per pair and percentile; each run is one JMH fork (its iterations' histograms merged). */
    private static void jmh(Path out, Map<String, List<String>> opts) throws IOException {
        JsonNode results = LINE.readTree(Path.of(one(opts, "json")).toFile());
        String step = one(opts, "step");
        List<Double> percentiles = new ArrayList<>();
        for (String p : (one(opts, "percentiles") == null ? "50,99" : one(opts, "percentiles")).split(",")) {
            percentiles.add(Double.parseDouble(p));
        }
        Map<String, String[]> targets = new HashMap<>();
        for (String target : opts.getOrDefault("target", List.of())) {
            String[] parts = target.split("\\|", 5);
            targets.put(parts[0], parts);
        }
        for (String pair : opts.getOrDefault("pair", List.of())) {
            String[] parts = pair.split("\\|");
            JsonNode candidate = find(results, parts[1]);
            JsonNode baseline = parts.length > 3 ? find(results, parts[3]) : null;
            String unit = candidate.path("primaryMetric").path("scoreUnit").asText("us/op").replace("/op", "");
            for (double p : percentiles) {
                String name = label(p);
                ObjectNode node = LINE.createObjectNode().put("type", "figure").put("step", step)
                        .put("figure", parts[0] + " " + name).put("unit", unit).put("better", "lower");
                node.set("runs", perFork(candidate, p));
                if (baseline != null) {
                    node.put("baseline", parts[2] + " " + name);
                    node.set("baseline-runs", perFork(baseline, p));
                }
                String[] target = targets.get(name);
                if (target != null) {
                    node.put("target-op", target[1]).put("target-value", Double.parseDouble(target[2]))
                            .put("target-on", target[3]).put("target", target[4]);
                }
                node.put("note", "JMH " + candidate.path("mode").asText() + ", " + candidate.path("forks").asInt()
                        + " forks x " + candidate.path("measurementIterations").asInt() + " x "
                        + candidate.path("measurementTime").asText() + "; each run is one fork");
                append(out, node);
            }
        }
    }

    private static String label(double p) {
        return "p" + (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p));
    }

    private static JsonNode find(JsonNode results, String method) {
        for (JsonNode result : results) {
            if (result.path("benchmark").asText().endsWith("." + method)) {
                return result;
            }
        }
        throw new IllegalArgumentException("no benchmark ending in ." + method + " in the JMH results");
    }

    private static ArrayNode perFork(JsonNode result, double percentile) {
        ArrayNode runs = LINE.createArrayNode();
        if (result.path("primaryMetric").path("rawDataHistogram").isMissingNode()) {
            // Modes without histograms (SingleShotTime): each fork's iteration scores are its samples.
            for (JsonNode fork : result.path("primaryMetric").path("rawData")) {
                List<Double> values = new ArrayList<>();
                fork.forEach(v -> values.add(v.asDouble()));
                values.sort(null);
                runs.add(values.isEmpty() ? Double.NaN
                        : values.get((int) Math.max(0, Math.ceil(percentile / 100.0 * values.size()) - 1)));
            }
            return runs;
        }
        for (JsonNode fork : result.path("primaryMetric").path("rawDataHistogram")) {
            TreeMap<Double, Long> merged = new TreeMap<>();
            for (JsonNode iteration : fork) {
                for (JsonNode bin : iteration) {
                    merged.merge(bin.get(0).asDouble(), bin.get(1).asLong(), Long::sum);
                }
            }
            long total = merged.values().stream().mapToLong(Long::longValue).sum();
            long rank = (long) Math.ceil(percentile / 100.0 * total);
            long seen = 0;
            double value = Double.NaN;
            for (Map.Entry<Double, Long> bin : merged.entrySet()) {
                seen += bin.getValue();
                if (seen >= Math.max(rank, 1)) {
                    value = bin.getKey();
                    break;
                }
            }
            runs.add(value);
        }
        return runs;
    }

    // ------------------------------------------------------------------ statistics

    record Stats(double median, double min, double max, int n) {
        static Stats of(JsonNode values) {
            double[] sorted = new double[values.size()];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = values.get(i).asDouble();
            }
            Arrays.sort(sorted);
            if (sorted.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            int mid = sorted.length / 2;
            double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
            return new Stats(median, sorted[0], sorted[sorted.length - 1], sorted.length);
        }
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    // ------------------------------------------------------------------ report

    private static void report(Path runDir, Map<String, List<String>> opts) throws IOException {
        Map<String, List<JsonNode>> byStep = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(runDir)) {
            files = listing.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    JsonNode node = LINE.readTree(line);
                    byStep.computeIfAbsent(node.path("step").asText(), k -> new ArrayList<>()).add(node);
                }
            }
        }
        String resultsFile = one(opts, "results");
        String command = one(opts, "command");
        String machine = Files.readString(Path.of(one(opts, "machine")));
        String runId = one(opts, "run") != null ? one(opts, "run") : runDir.getFileName().toString();

        ObjectNode results = JSON.createObjectNode();
        results.put("run", runId).put("command", command).put("machine", machine.strip());
        ObjectNode steps = results.putObject("steps");
        Map<String, String> blocks = new LinkedHashMap<>();
        Map<String, String> titles = new LinkedHashMap<>();
        for (Map.Entry<String, List<JsonNode>> entry : byStep.entrySet()) {
            String step = entry.getKey();
            ObjectNode out = steps.putObject(step);
            ArrayNode figures = out.putArray("figures");
            ArrayNode notes = out.putArray("notes");
            String status = "ok";
            String about = null;
            String waits = null;
            String targets = null;
            String failure = null;
            List<String[]> rows = new ArrayList<>();
            for (JsonNode node : entry.getValue()) {
                switch (node.path("type").asText()) {
                    case "step" -> {
                        titles.put(step, node.path("title").asText(step));
                        about = node.path("about").asText(null);
                    }
                    case "note" -> notes.add(node.path("text").asText());
                    case "pending" -> {
                        status = "not-yet-available";
                        titles.put(step, node.path("title").asText(step));
                        waits = node.path("waits").asText();
                        targets = node.path("targets").asText(null);
                        out.put("waits-for", waits);
                    }
                    case "failed" -> {
                        status = "failed";
                        failure = node.path("text").asText();
                        out.put("failure", failure);
                    }
                    case "figure" -> rows.add(figureRow(node, figures));
                    default -> { }
                }
            }
            out.put("status", status);
            if (!"failed".equals(status)) {
                blocks.put(step, block(runId, command, resultsFile, status, about, waits, targets, rows, notes));
            } else {
                System.err.println("bench: step " + step + " failed; its section of the doc is left as it was: " + failure);
            }
        }
        Path resultsPath = Path.of(resultsFile);
        Files.createDirectories(resultsPath.getParent());
        JSON.writeValue(resultsPath.toFile(), results);

        Path doc = Path.of(one(opts, "doc"));
        String text = Files.exists(doc) ? Files.readString(doc) : "# Performance\n";
        text = replaceBlock(text, "machine", "Machine", "_Last run: " + runId + "_\n\n" + machine.strip() + "\n\nCommand: `" + command + "`\n");
        for (Map.Entry<String, String> block : blocks.entrySet()) {
            text = replaceBlock(text, block.getKey(), titles.getOrDefault(block.getKey(), block.getKey()), block.getValue());
        }
        Files.writeString(doc, text);
    }

    private static String[] figureRow(JsonNode node, ArrayNode figures) {
        Stats stats = Stats.of(node.path("runs"));
        ObjectNode fig = figures.addObject();
        fig.put("figure", node.path("figure").asText()).put("unit", node.path("unit").asText());
        fig.set("runs", node.path("runs"));
        fig.put("median", stats.median()).put("min", stats.min()).put("max", stats.max());
        String unit = node.path("unit").asText();
        String baseline = "—";
        String baselineValue = "—";
        String ratio = "—";
        double ratioValue = Double.NaN;
        if (node.hasNonNull("baseline")) {
            Stats base = Stats.of(node.path("baseline-runs"));
            ratioValue = stats.median() / base.median();
            fig.put("baseline", node.path("baseline").asText());
            fig.set("baseline-runs", node.path("baseline-runs"));
            fig.put("baseline-median", base.median()).put("baseline-min", base.min()).put("baseline-max", base.max());
            fig.put("ratio", ratioValue);
            baseline = node.path("baseline").asText();
            baselineValue = fmt(base.median()) + " " + unit + " (" + fmt(base.min()) + "–" + fmt(base.max()) + ", n=" + base.n() + ")";
            ratio = fmt(ratioValue) + "x";
        }
        String target = node.path("target").asText("none set");
        String met = "—";
        if (node.has("target-value")) {
            double limit = node.path("target-value").asDouble();
            double value = "ratio".equals(node.path("target-on").asText()) ? ratioValue : stats.median();
            boolean ok = ">=".equals(node.path("target-op").asText()) ? value >= limit : value <= limit;
            met = Double.isNaN(value) ? "n/a" : ok ? "yes" : "**no**";
            fig.put("target", target).put("target-met", ok);
        }
        if (node.hasNonNull("note")) {
            fig.put("note", node.path("note").asText());
        }
        return new String[] {node.path("figure").asText(), fmt(stats.median()) + " " + unit,
                fmt(stats.min()) + "–" + fmt(stats.max()) + " (n=" + stats.n() + ")", baseline, baselineValue, ratio,
                target, met};
    }

    private static String block(String runId, String command, String resultsFile, String status, String about,
            String waits, String targets, List<String[]> rows, ArrayNode notes) {
        StringBuilder b = new StringBuilder();
        b.append("_Generated by `").append(command).append("`, run ").append(runId).append(", results in `")
                .append(resultsFile).append("`._\n\n");
        if ("not-yet-available".equals(status)) {
            b.append("**Not yet available.** ").append(waits).append('\n');
            if (targets != null) {
                b.append("\nTarget when it lands: ").append(targets).append('\n');
            }
            return b.toString();
        }
        if (about != null) {
            b.append(about).append("\n\n");
        }
        if (!rows.isEmpty()) {
            b.append("| Figure | Median | Spread (min–max) | Baseline | Baseline median (spread) | Ratio to baseline | Target | Met |\n");
            b.append("|---|---|---|---|---|---|---|---|\n");
            for (String[] row : rows) {
                b.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            for (JsonNode note : notes) {
                b.append("- ").append(note.asText()).append('\n');
            }
        }
        return b.toString();
    }

    /** Replaces what lies between the step's markers, or appends a new section with them. */
    static String replaceBlock(String text, String name, String title, String content) {
        String begin = "<!-- bench:begin " + name + " -->";
        String end = "<!-- bench:end " + name + " -->";
        Pattern pattern = Pattern.compile(Pattern.quote(begin) + ".*?" + Pattern.quote(end), Pattern.DOTALL);
        String replacement = begin + "\n" + content + end;
        Matcher matcher = pattern.matcher(text);
        if (matcher.find()) {
            return text.substring(0, matcher.start()) + replacement + text.substring(matcher.end());
        }
        return text.stripTrailing() + "\n\n## " + title + "\n\n" + replacement + "\n";
    }
}
