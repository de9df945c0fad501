#!/usr/bin/env bash
# title: Database clients: Vert.x SQL client vs Hibernate Reactive
# needs:
# The same write (a strategy action, its audit row, its alert, one transaction) through the Vert.x
# SQL client and through a Hibernate Reactive session: gateway/src/test/.../strategy/DbClientsBench,
# run by Maven on the tests' embedded PostgreSQL. About 3 minutes (Quarkus test start included), so
# --quick skips it.
source "$BENCH_ROOT/bench/lib.sh"

results step --title "Database clients" --about "DbClientsBench (a @QuarkusTest run with -Dtest=DbClientsBench): one embedded PostgreSQL 17, the test profile's pools. Each operation writes a strategy_action row, an audit_event row (AuditTrail.record) and an alert row (Outbox.enqueue) in one transaction, either with a hand-written INSERT and the client forms of the writers inside Pool.withTransaction, or with the entity persisted and flushed through ActionRepository and the session forms inside Panache.withTransaction, each started on a fresh duplicated Vert.x context as a request is. 500 warm-up operations per path, then two rounds alternating the paths, each 2,000 sequential then 2,000 with 16 in flight. Allocation: the HotSpot per-thread allocation counters of every live thread, summed, over the sequential phase (background threads included). Hibernate's start-up cost: live heap of org.hibernate.* and io.quarkus.hibernate.* objects after a full GC (jcmd GC.class_histogram) and the number of such classes loaded."
if [[ "$BENCH_QUICK" == 1 ]]; then
  note "Not run under --quick (about 3 minutes including the Quarkus test start): run bench/run db-clients."
  exit 0
fi
log="$BENCH_RUN_DIR/logs/$BENCH_STEP-maven.log"
say "./mvnw verify -Dtest=DbClientsBench (log: $log)"
"$BENCH_ROOT/mvnw" -B -ntp -f "$BENCH_ROOT/pom.xml" verify -pl gateway -am -DskipITs -Dtest=DbClientsBench \
    -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
props="$BENCH_ROOT/gateway/target/db-clients.properties"
val() { sed -n "s/^$1=//p" "$props"; }
runs() { join_csv "$(val "$1.1.$2")" "$(val "$1.2.$2")"; }
for kind in sequential concurrent; do
  label=$([[ $kind == sequential ]] && echo "one at a time" || echo "$(val inFlight) in flight")
  figure "write latency p50, $label" us "$(runs session "$kind.p50Us")" \
      --baseline "Vert.x SQL client" --baseline-runs "$(runs client "$kind.p50Us")" --better lower
  figure "write latency p99, $label" us "$(runs session "$kind.p99Us")" \
      --baseline "Vert.x SQL client" --baseline-runs "$(runs client "$kind.p99Us")" --better lower
done
figure "throughput, $(val inFlight) in flight" "ops/s" "$(runs session concurrent.opsPerS)" \
    --baseline "Vert.x SQL client" --baseline-runs "$(runs client concurrent.opsPerS)" --better higher
figure "allocated per operation (whole JVM)" bytes "$(runs session allocatedBytesPerOp)" \
    --baseline "Vert.x SQL client" --baseline-runs "$(runs client allocatedBytesPerOp)" --better lower
figure "Hibernate objects live after GC" bytes "$(val hibernate.liveBytes)"
figure "Hibernate classes loaded" classes "$(val hibernate.loadedClasses)"
note "The session figures are the Hibernate Reactive path; the baseline is the Vert.x SQL client doing the same three inserts."
