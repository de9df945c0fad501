#!/usr/bin/env bash
# title: Audit
# needs: jmh
# Chained vs unchained audit writes at 16 clients on one embedded PostgreSQL 17, and verification
# speed: bench/audit/run (see bench/audit/README.md) with its figures read from its CSV.
source "$BENCH_ROOT/bench/lib.sh"

if [[ "$BENCH_QUICK" == 1 ]]; then opts="-Druns=1 -Dseconds=3 -DwarmupSeconds=2 -DverifyEvents=50000 -DverifyRuns=1"
else opts="-Druns=3 -Dseconds=10 -DwarmupSeconds=3 -DverifyEvents=200000"; fi
out="$BENCH_RUN_DIR/audit"
mkdir -p "$out"
say "bench/audit/run with $opts"
BENCH_OPTS="$opts -Djava.io.tmpdir=$BENCH_RUN_DIR/tmp" AUDIT_RESULTS="$out" "$BENCH_ROOT/bench/audit/run" \
    >"$BENCH_RUN_DIR/logs/$BENCH_STEP-bench.log" 2>&1 || { tail -n 40 "$BENCH_RUN_DIR/logs/$BENCH_STEP-bench.log" >&2; exit 1; }
csv="$out/latest.csv"
runs() { awk -F, -v m="$1" '$1 == m { printf "%s%s", sep, $3; sep = "," }' "$csv"; }
events=$(grep -o 'verifyEvents=[0-9]*' <<<"$opts" | cut -d= -f2)
verify_runs=$(grep -o 'verifyRuns=[0-9]*' <<<"$opts" | cut -d= -f2 || true); verify_runs=${verify_runs:-3}

results step --title "Audit" --about "bench/audit/run ($opts): one embedded PostgreSQL 17 (fsync and synchronous_commit on), two databases migrated by the gateway's Flyway scripts. Unchained: 16 non-blocking clients on a Vert.x pool of 20, each a loop of transactions with the gateway's own audit INSERT. Chained: the same through \`AuditTrail.record\` (event + sealer-queue row) with the real sealer and checkpointer ticking every 150 ms on the same pool. Runs alternate U C U C U C (one pair under --quick) after a warm-up of each. Then $(printf "%'d" "$events") events are verified once unmeasured (JIT, and the hint bits a first read after the bulk load writes) and ${verify_runs} time(s) measured with \`JdbcAuditSource.verify\` (the code behind the API and \`bin/audit-verify\`). No HTTP in the loop: the figures isolate the audit write."
figure "chained audit writes, 16 clients" "tx/s" "$(runs chained_tx_per_s)" --better higher \
  --baseline "unchained writes" --baseline-runs "$(runs unchained_tx_per_s)" \
  --target "chained >= 0.8x unchained (issue 7)" --target-op '>=' --target-value 0.8 --target-on ratio
figure "PostgreSQL CPU per transaction, chained (sealing included)" us "$(runs chained_pg_us_per_tx)" \
  --baseline "unchained" --baseline-runs "$(runs unchained_pg_us_per_tx)"
figure "client JVM CPU per transaction, chained (sealer included)" us "$(runs chained_jvm_us_per_tx)" \
  --baseline "unchained" --baseline-runs "$(runs unchained_jvm_us_per_tx)"
figure "sealer queue, most events pending" events "$(runs chained_max_pending)"
figure "verification, wall clock" "events/s" "$(runs verify_events_per_s)" --better higher \
  --target ">= 200,000 events/s (issue 7)" --target-op '>=' --target-value 200000
note "Wall-clock rates on a shared machine mostly measure the neighbours; the CPU-per-transaction rows are the steadier measure of what the chain costs. Full log: the run's logs/audit-bench.log."
