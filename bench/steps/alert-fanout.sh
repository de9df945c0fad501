#!/usr/bin/env bash
# title: Alerts: missing-episode fan-out
# needs: gateway gateway-server
# Missing-episode report (HTTP) to the last of its 4 signed webhooks received, 6 loopback receivers.
source "$BENCH_ROOT/bench/lib.sh"
source "$BENCH_ROOT/bench/alerts/step-lib.sh"
results step --title "Alerts: missing-episode fan-out" --about "$ALERT_ABOUT Each run: $ALERT_EPISODES sequential missing-episode reports (provider token, \`POST /api/v1/children/{id}/missing-episodes\`) for placed children, each timed from the request sent to the last of its four webhooks received (the protocol sends \`child-missing\` to both councils and both police forces), after 20 warm-up reports. ${ALERT_RUNS} run(s)."
figure "report to last webhook, p50" ms "$(alert_runs fanout_p50_ms)"
figure "report to last webhook, p99" ms "$(alert_runs fanout_p99_ms)" --target "p99 <= 1 s (issue 8)" --target-op '<=' --target-value 1000
figure "report to last webhook, max" ms "$(alert_runs fanout_max_ms)"
note "No baseline process: the target is absolute (issue 8). Sequential reports measure latency, not throughput."
