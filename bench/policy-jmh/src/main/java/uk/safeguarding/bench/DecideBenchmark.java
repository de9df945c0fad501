package uk.safeguarding.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.Approval;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.ConsentOverride;
import uk.safeguarding.protocol.engine.ConsentState;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.load.ProtocolLoader;

/**
 * {@code PolicyEngine.decide} over the full shipped protocol set, with a mix of 32 requests shaped
 * like the gateway's traffic: reads, alerts, referrals, DPO searches, overrides and downgrades; 18
 * permits (some partial) and 14 denies; one to four categories each. SampleTime gives the latency
 * distribution (p50, p99, p99.9) of single calls.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(3)
@State(Scope.Thread)
public class DecideBenchmark {

    /** Tuned so that the control's median is close to the engine's (see docs/PERFORMANCE.md). */
    static final long CONTROL_TOKENS = 500;
    static final Instant AT = Instant.parse("2026-03-10T10:00:00Z");
    static final String WHY = "Child disclosed self-harm today; GP record needed to plan an urgent safety response tonight.";

    private PolicyEngine engine;
    private DecisionRequest[] mix;
    private DecisionRequest hostPoliceRead;
    private int next;

    @Setup
    public void setUp() {
        engine = new PolicyEngine(ProtocolLoader.loadShipped(LocalDate.of(2026, 3, 10)));
        List<DecisionRequest> m = List.of(
                // permits
                read("police:lancashire", "practitioner", "SAFEGUARDING", rel("host-police"), "identity", "placement").build(),
                read("police:lancashire", "supervisor", "INVESTIGATION", rel("host-police"), "placement").build(),
                read("la:E09000030", "practitioner", "SAFEGUARDING", rel("referral-recipient"), "identity", "risk", "health", "education").build(),
                read("school:100000", "practitioner", "SAFEGUARDING", rel("school"), "identity", "placement").action("receive-alert").build(),
                read("provider:SC123456", "provider", "CARE-PLANNING", rel("provider"), "identity", "placement", "risk").build(),
                read("school:100000", "practitioner", "SAFEGUARDING", rel(), "identity", "risk", "education").action("refer").build(),
                read("police:met", "practitioner", "INVESTIGATION", rel(), "identity", "risk", "police-intelligence").action("refer").build(),
                read("police:lancashire", "practitioner", "MISSING-RESPONSE", rel("host-police"), "philomena").missing(true).build(),
                read("police:met", "practitioner", "SAFEGUARDING", rel("home-police"), "identity", "risk", "missing").build(),
                read("police:met", "practitioner", "MISSING-RESPONSE", rel("home-police"), "identity", "missing", "risk", "placement").action("receive-alert").build(),
                read("provider:SC123456", "provider", "SAFEGUARDING", rel("provider"), "identity", "risk").action("receive-alert").build(),
                read("police:lancashire", "dpo", "DPO-REVIEW", rel(), "audit").action("search").build(),
                read("la:E09000030", "dpo", "SAR", rel("placing-authority"), "identity", "risk", "health", "police-intelligence").action("export").build(),
                read("la:E10000017", "practitioner", "SAFEGUARDING", rel("host-council"), "health")
                        .override(new ConsentOverride(WHY, "ukgdpr-9-2-g+dpa-sch1-p18", null)).build(),
                read("la:E09000030", "practitioner", "SAFEGUARDING", rel("allocated-case"), "risk").action("risk-downgrade")
                        .approval(new Approval(WHY, new Approver("tm-2", "la:E09000030", Set.of("supervisor"), false))).build(),
                read("nhs:QE1", "practitioner", "CARE-PLANNING", rel("host-health"), "identity", "placement", "health").build(),
                read("school:100000", "practitioner", "SAFEGUARDING", rel("school"), "identity", "risk").action("receive-alert").counterparty("police:met").build(),
                read("la:E09000030", "practitioner", "CARE-PLANNING", rel("allocated-case", "placing-authority"), "health", "placement").build(),
                // denies
                read("police:lancashire", "practitioner", "MISSING-RESPONSE", rel("host-police"), "philomena").build(),
                read("la:E08000001", "practitioner", "SAFEGUARDING", rel("host-council"), "identity").build(),
                read("la:E10000017", "practitioner", "SAFEGUARDING", rel(), "identity").build(),
                read("school:100000", "practitioner", "SAFEGUARDING", rel("school"), "police-intelligence").build(),
                read("provider:SC123456", "provider", "CARE-PLANNING", rel("provider"), "health").consent(ConsentState.REFUSED).build(),
                read("police:lancashire", "practitioner", "DPO-REVIEW", rel(), "audit").action("search").build(),
                read("la:E09000030", "practitioner", "SAFEGUARDING", rel("allocated-case"), "risk").action("risk-downgrade").build(),
                read("provider:SC123456", "provider", "SAFEGUARDING", rel("provider"), "risk").action("risk-downgrade").build(),
                read("police:met", "practitioner", "CARE-PLANNING", rel("home-police"), "placement").build(),
                read("la:E10000017", "practitioner", "SAFEGUARDING", rel("host-council"), "health").build(),
                read("police:lancashire", "practitioner", "MARKETING", rel("host-police"), "identity").build(),
                read("la:E09000030", "admin", "SAFEGUARDING", rel("placing-authority"), "identity").build(),
                read("la:E09000030", "practitioner", "SAFEGUARDING", rel("placing-authority"), "identity").action("search").build(),
                read("nhs:RQX", "practitioner", "SAFEGUARDING", rel("home-health"), "placement").build());
        mix = m.toArray(new DecisionRequest[0]);
        if (Integer.bitCount(mix.length) != 1) {
            throw new IllegalStateException("the mix is cycled with a mask; keep its size a power of two");
        }
        // The mix is only realistic if it decides as described (the first 18 permit, the rest deny): fail
        // loudly, naming the requests, if the protocols changed under it.
        StringBuilder unexpected = new StringBuilder();
        for (int i = 0; i < mix.length; i++) {
            Decision d = engine.decide(mix[i]);
            if (d.isPermit() != (i < 18)) {
                unexpected.append("\n  #").append(i).append(i < 18 ? " denied: " : " permitted: ").append(d);
            }
        }
        if (unexpected.length() > 0) {
            throw new IllegalStateException("the mix no longer decides as described:" + unexpected);
        }
        hostPoliceRead = mix[0];
    }

    private static String[] rel(String... kinds) {
        return kinds;
    }

    private static DecisionRequest.Builder read(String agency, String role, String purpose, String[] relationships,
            String... categories) {
        return DecisionRequest.builder(Actor.of(agency, role == null ? Set.of() : Set.of(role), "bench-user"))
                .relationships(relationships).categories(categories).purpose(purpose).at(AT);
    }

    /** The realistic mix, one request per call, cycling. */
    @Benchmark
    public Decision mixed() {
        return engine.decide(mix[next++ & (mix.length - 1)]);
    }

    /**
     * Negative control: CPU work of about the same duration as a decision, with no allocation and no
     * engine. If its tail matches the engine's, the tail belongs to the machine (timer ticks, steal
     * time on a shared VM), not to the engine.
     */
    @Benchmark
    public void controlBusyWork() {
        Blackhole.consumeCPU(CONTROL_TOKENS);
    }

    /** The commonest request: a host-force officer reads identity and placement. */
    @Benchmark
    public Decision hostPoliceRead() {
        return engine.decide(hostPoliceRead);
    }
}
