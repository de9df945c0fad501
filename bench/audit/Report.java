import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import uk.safeguarding.gateway.audit.verify.VerificationReport;

/** Turns the runs into the Markdown table for docs/PERFORMANCE.md and a CSV of every run. */
final class Report {

    private Report() {
    }

    static String markdown(List<AuditBench.Result> unchained, List<AuditBench.Result> chained, AuditBench.Drain drain,
            List<AuditBench.Verification> runs, Duration wall, String loadBefore, String loadAfter) {
        List<VerificationReport> verifications = runs.stream().map(AuditBench.Verification::report).toList();
        double u = median(unchained, AuditBench.Result::perSecond);
        double c = median(chained, AuditBench.Result::perSecond);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(unchained.size(), chained.size()); i++) {
            ratios.add(chained.get(i).perSecond() / unchained.get(i).perSecond());
        }
        List<Double> verify = verifications.stream().map(v -> (double) v.eventsPerSecond()).toList();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Machine: %d CPUs (%s), %s, JDK %s; PostgreSQL 17 embedded, fsync on.%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.name"),
                System.getProperty("java.version")));
        out.append(String.format(Locale.ROOT, "%d clients, %d runs of %d s per mode, alternating; wall time %d s; "
                + "/proc/loadavg before: %s, after: %s.%n%n", AuditBench.CLIENTS, unchained.size(), AuditBench.RUN.toSeconds(),
                wall.toSeconds(), loadBefore, loadAfter));
        out.append("| measure | median | min - max |\n| --- | --- | --- |\n");
        out.append(row("unchained audit writes (tx/s)", u, minMax(unchained.stream().map(AuditBench.Result::perSecond).toList()), "%.0f"));
        out.append(row("chained audit writes (tx/s)", c, minMax(chained.stream().map(AuditBench.Result::perSecond).toList()), "%.0f"));
        out.append(row("chained / unchained (per run pair)", median(ratios), minMax(ratios), "%.2f"));
        out.append(row("PostgreSQL CPU per transaction, unchained (us)", median(unchained, AuditBench.Result::postgresUsPerTx),
                minMax(unchained.stream().map(AuditBench.Result::postgresUsPerTx).toList()), "%.0f"));
        out.append(row("PostgreSQL CPU per transaction, chained incl. sealing (us)", median(chained, AuditBench.Result::postgresUsPerTx),
                minMax(chained.stream().map(AuditBench.Result::postgresUsPerTx).toList()), "%.0f"));
        out.append(row("client JVM CPU per transaction, unchained (us)", median(unchained, AuditBench.Result::jvmUsPerTx),
                minMax(unchained.stream().map(AuditBench.Result::jvmUsPerTx).toList()), "%.0f"));
        out.append(row("client JVM CPU per transaction, chained incl. sealer (us)", median(chained, AuditBench.Result::jvmUsPerTx),
                minMax(chained.stream().map(AuditBench.Result::jvmUsPerTx).toList()), "%.0f"));
        out.append(row("sealer queue, most pending during a chained run", median(chained.stream()
                .map(r -> (double) r.maxPending()).toList()), minMax(chained.stream().map(r -> (double) r.maxPending()).toList()), "%.0f"));
        out.append(row("queue drained after a chained run (ms)", median(chained.stream().map(r -> (double) r.drainMillis()).toList()),
                minMax(chained.stream().map(r -> (double) r.drainMillis()).toList()), "%.0f"));
        if (drain.events() > 0) {
            double rate = drain.events() / drain.seconds();
            out.append(row("sealer draining a backlog, one run (events/s, " + String.format(Locale.ROOT, "%,d", drain.events())
                    + " events)", rate, new double[] {rate, rate}, "%.0f"));
        }
        long events = verifications.get(0).entriesChecked();
        out.append(row("verification, wall clock (events/s, " + String.format(Locale.ROOT, "%,d", events) + " events)",
                median(verify), minMax(verify), "%.0f"));
        List<Double> javaUs = runs.stream().map(v -> v.javaCpuSeconds() * 1e6 / events).toList();
        List<Double> pgUs = runs.stream().map(v -> v.postgresCpuSeconds() * 1e6 / events).toList();
        List<Double> perCpuSecond = runs.stream().map(v -> events / (v.javaCpuSeconds() + v.postgresCpuSeconds())).toList();
        out.append(row("verification CPU, verifier JVM (us/event)", median(javaUs), minMax(javaUs), "%.2f"));
        out.append(row("verification CPU, PostgreSQL backend (us/event)", median(pgUs), minMax(pgUs), "%.2f"));
        out.append(row("verification per CPU-second, both sides added (events)", median(perCpuSecond), minMax(perCpuSecond), "%.0f"));
        return out.toString();
    }

    static String csv(List<AuditBench.Result> unchained, List<AuditBench.Result> chained, List<AuditBench.Verification> runs) {
        List<VerificationReport> verifications = runs.stream().map(AuditBench.Verification::report).toList();
        StringBuilder out = new StringBuilder("measure,run,value\n");
        for (int i = 0; i < unchained.size(); i++) {
            out.append(String.format(Locale.ROOT, "unchained_tx_per_s,%d,%.1f%n", i + 1, unchained.get(i).perSecond()));
            out.append(String.format(Locale.ROOT, "chained_tx_per_s,%d,%.1f%n", i + 1, chained.get(i).perSecond()));
            out.append(String.format(Locale.ROOT, "chained_max_pending,%d,%d%n", i + 1, chained.get(i).maxPending()));
            out.append(String.format(Locale.ROOT, "unchained_pg_us_per_tx,%d,%.1f%n", i + 1, unchained.get(i).postgresUsPerTx()));
            out.append(String.format(Locale.ROOT, "chained_pg_us_per_tx,%d,%.1f%n", i + 1, chained.get(i).postgresUsPerTx()));
            out.append(String.format(Locale.ROOT, "unchained_jvm_us_per_tx,%d,%.1f%n", i + 1, unchained.get(i).jvmUsPerTx()));
            out.append(String.format(Locale.ROOT, "chained_jvm_us_per_tx,%d,%.1f%n", i + 1, chained.get(i).jvmUsPerTx()));
        }
        for (int i = 0; i < verifications.size(); i++) {
            out.append(String.format(Locale.ROOT, "verify_events_per_s,%d,%d%n", i + 1, verifications.get(i).eventsPerSecond()));
            out.append(String.format(Locale.ROOT, "verify_java_cpu_s,%d,%.3f%n", i + 1, runs.get(i).javaCpuSeconds()));
            out.append(String.format(Locale.ROOT, "verify_postgres_cpu_s,%d,%.3f%n", i + 1, runs.get(i).postgresCpuSeconds()));
        }
        return out.toString();
    }

    private static String row(String name, double median, double[] minMax, String format) {
        return String.format(Locale.ROOT, "| %s | " + format + " | " + format + " - " + format + " |%n", name, median,
                minMax[0], minMax[1]);
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
        return median(values.stream().map(f::applyAsDouble).toList());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double[] minMax(List<Double> values) {
        return new double[] {Collections.min(values), Collections.max(values)};
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
