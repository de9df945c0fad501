# Sourced by bench/steps/alert-fanout.sh and alert-drain.sh: runs AlertsLoad (bench/jmh) once per
# bench/run against a gateway from gateway_start (under --quick, the one all HTTP steps share; both
# alert steps read the same CSV) and gives `alert_runs MEASURE` -> comma-separated runs.
ALERTS_CSV="$BENCH_RUN_DIR/alerts.csv"
if [[ ! -s "$ALERTS_CSV" ]]; then
  if [[ "$BENCH_QUICK" == 1 ]]; then episodes=20; drain=2000; runs=1; else episodes=${BENCH_ALERT_EPISODES:-100}; drain=${BENCH_ALERT_DRAIN:-10000}; runs=3; fi
  gateway_start alerts
  if [[ -n "${GATEWAY_DB_URL:-}" ]]; then
    jdbc="jdbc:${GATEWAY_DB_URL}" db_user="${GATEWAY_DB_USER:-gateway_app}" db_password="${GATEWAY_DB_PASSWORD:-}"
  else
    jdbc="jdbc:postgresql://127.0.0.1:$GW_DB_PORT/gateway" db_user=gateway_app db_password=""
  fi
  say "AlertsLoad: $runs run(s) of $episodes missing episodes (after 20 warm-up), then $runs drain(s) of $drain alerts"
  "$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.AlertsLoad "$GW_URL" "$BENCH_KEYS" "$jdbc" "$db_user" "$db_password" \
      "$episodes" "$drain" "$runs" "$ALERTS_CSV.tmp" >"$BENCH_RUN_DIR/logs/alerts-load.log" 2>&1 \
    || { tail -n 60 "$BENCH_RUN_DIR/logs/alerts-load.log" >&2; exit 1; }
  mv "$ALERTS_CSV.tmp" "$ALERTS_CSV"
  gateway_stop
  echo "$episodes" >"$BENCH_RUN_DIR/alerts.episodes"; echo "$drain" >"$BENCH_RUN_DIR/alerts.drain"; echo "$runs" >"$BENCH_RUN_DIR/alerts.runs"
fi
ALERT_EPISODES=$(cat "$BENCH_RUN_DIR/alerts.episodes")
ALERT_DRAIN=$(cat "$BENCH_RUN_DIR/alerts.drain")
ALERT_RUNS=$(cat "$BENCH_RUN_DIR/alerts.runs")
alert_runs() { awk -F, -v m="$1" '$1 == m { printf "%s%s", sep, $3; sep = "," }' "$ALERTS_CSV"; }
ALERT_ABOUT="\`AlertsLoad\` (bench/jmh), a separate JVM, against the packaged gateway (demo profile, dispatcher tick 1 s plus a wake after each committed write, batch 200, parallel claims while a backlog drains) on its embedded PostgreSQL 17$([[ "$BENCH_QUICK" == 1 ]] && echo ", the gateway all HTTP steps share under --quick" || true), with six real HTTP receivers on loopback (JDK HttpServer, answering 204), one per subscribed agency, each subscribed through \`POST /api/v1/admin/subscriptions\`; receivers, gateway, database and client share the machine."
