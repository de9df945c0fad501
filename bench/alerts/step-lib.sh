# Sourced by bench/steps/alert-fanout.sh and alert-drain.sh: runs bench/alerts/run.sh once per
# bench/run (both steps read the same CSV) and gives `alert_runs MEASURE` -> comma-separated runs.
ALERTS_CSV="$BENCH_RUN_DIR/alerts.csv"
if [[ ! -s "$ALERTS_CSV" ]]; then
  if [[ "$BENCH_QUICK" == 1 ]]; then episodes=20; drain=1000; runs=1; else episodes=60; drain=10000; runs=3; fi
  echo "$drain" >"$BENCH_RUN_DIR/alerts.drain"
  say "bench/alerts/run.sh: $runs run(s) of $episodes missing episodes, then $runs drain(s) of $drain alerts"
  BENCH_EPISODES=$episodes BENCH_DRAIN=$drain BENCH_RUNS=$runs BENCH_CSV="$ALERTS_CSV" "$BENCH_ROOT/bench/alerts/run.sh" \
      >"$BENCH_RUN_DIR/logs/alerts-bench.log" 2>&1 || { tail -n 60 "$BENCH_RUN_DIR/logs/alerts-bench.log" >&2; rm -f "$ALERTS_CSV"; exit 1; }
  echo "$episodes" >"$BENCH_RUN_DIR/alerts.episodes"; echo "$runs" >"$BENCH_RUN_DIR/alerts.runs"
fi
ALERT_EPISODES=$(cat "$BENCH_RUN_DIR/alerts.episodes")
ALERT_DRAIN=$(cat "$BENCH_RUN_DIR/alerts.drain" 2>/dev/null || echo 10000)
ALERT_RUNS=$(cat "$BENCH_RUN_DIR/alerts.runs" 2>/dev/null || echo 3)
alert_runs() { awk -F, -v m="$1" '$1 == m { printf "%s%s", sep, $3; sep = "," }' "$ALERTS_CSV"; }
ALERT_ABOUT="\`bench/alerts/run.sh\` (the \`AlertsBench\` Quarkus test: the gateway with its test profile on an embedded PostgreSQL 17, dispatcher tick 1 s plus a wake after each committed write, batch 200, 4 parallel claims while a backlog drains) with six real HTTP receivers on loopback, one per subscribed agency; receivers, gateway, database and client share the machine."
