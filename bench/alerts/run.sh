#!/usr/bin/env bash
# Alert benchmark: missing-episode report -> every webhook received (6 loopback receivers), and the
# drain rate of 10,000 queued alerts. Writes bench/alerts/results.md. Runs against the embedded
# PostgreSQL of the test profile; takes 2-4 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q ${MVN_OFFLINE:--o} -pl gateway test -Dtest=AlertsBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.episodes="${BENCH_EPISODES:-200}" -Dbench.drain="${BENCH_DRAIN:-10000}"
cat bench/alerts/results.md
