#!/usr/bin/env bash
# Alert benchmark: missing-episode report -> every webhook received (6 loopback receivers), and the
# drain rate of 10,000 queued alerts. Writes bench/alerts/results.md. Runs against the embedded
# PostgreSQL of the test profile; takes 2-4 minutes on two cores. BENCH_RUNS=3 repeats each measurement;
# BENCH_CSV=file writes the figures there as CSV (measure,run,value) instead of results.md (bench/run does).
set -euo pipefail
cd "$(dirname "$0")/../.."
# With -am (the reactor builds protocol-policies and demo, which the gateway needs): nothing is
# taken from ~/.m2 for this project's own modules, so no `install` is needed.
# -Dexec.skip: the console's `npm ci` (a build step the alert bench does not need) is skipped once
# the console's packages are in gateway/target/frontend.
skip_npm=""; [[ -d gateway/target/frontend/node_modules ]] && skip_npm="-Dexec.skip=true"
./mvnw -B -q ${MVN_OFFLINE:--o} -pl gateway -am test -Dtest=AlertsBench -Dsurefire.failIfNoSpecifiedTests=false $skip_npm \
  -Dbench.episodes="${BENCH_EPISODES:-200}" -Dbench.drain="${BENCH_DRAIN:-10000}" -Dbench.runs="${BENCH_RUNS:-1}" \
  -Dbench.csv="${BENCH_CSV:-}"
# bench/run (BENCH_CSV set) reads the CSV; alone, the table is the result.
[[ -n "${BENCH_CSV:-}" ]] && cat "$BENCH_CSV" || cat bench/alerts/results.md
