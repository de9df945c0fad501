# Shared helpers for bench/run's steps. Sourced by each step (bench/steps/<name>.sh), never run.
#
# bench/run exports, for every step:
#   BENCH_ROOT      the repository root            BENCH_QUICK   1 under --quick, else 0
#   BENCH_RUN_DIR   this run's scratch directory   BENCH_OUT     the step's figures file (JSON lines)
#   BENCH_STEP      the step's name                BENCH_JAR     bench/jmh/target/benchmarks.jar
#   BENCH_KEYS      the bench token source: jwks.json, public-key.pem, private-key.pem, tokens.txt
#   JAVA            the java to use (JAVA_HOME's, else java on PATH)
# and, if set by the caller, GATEWAY_DB_URL / GATEWAY_DB_USER / GATEWAY_DB_PASSWORD / GATEWAY_DB_OWNER_* (a given
# PostgreSQL instead of the embedded one).
set -euo pipefail

BENCH_GATEWAY_JAR="$BENCH_ROOT/gateway/target/quarkus-app/quarkus-run.jar"
BENCH_LAUNCHER_JAR="$BENCH_ROOT/dev-launcher/target/dev-launcher-runnable.jar"
BENCH_ISSUER="https://bench.local/realms/safeguarding"
_BENCH_PIDS=()

say() { printf '[%s %s] %s\n' "$(date -u +%H:%M:%S)" "$BENCH_STEP" "$*" >&2; }

# --- recording figures (see bench/jmh/src/main/java/uk/safeguarding/bench/Results.java) ----------
results() { "$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.Results "$1" "$BENCH_OUT" --step "$BENCH_STEP" "${@:2}"; }
# figure NAME UNIT RUNS_CSV [more Results options: --baseline L --baseline-runs CSV --target ...]
figure() { results figure --figure "$1" --unit "$2" --runs "$3" "${@:4}"; }
note() { results note --text "$1"; }

# --- small utilities ---------------------------------------------------------------------------
now_ms() { date +%s%3N; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    [[ $port == 8080 || $port == 8180 ]] && continue
    port_taken "$port" || { echo "$port"; return 0; }
  done
  echo "no free port found" >&2; return 1
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
kb_to_mib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
ms_to_s() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
join_csv() { local IFS=,; echo "$*"; }

# wait_ready URL PID TIMEOUT_S LOG -> prints ms from now until URL answers 200; fails if PID dies
wait_ready() {
  local url="$1" pid="$2" timeout="$3" log="$4" started; started=$(now_ms)
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "process $pid stopped while starting; last lines of $log:"; tail -n 40 "$log" >&2; return 1
    fi
    if (( $(now_ms) - started > timeout * 1000 )); then
      say "not ready after ${timeout}s; last lines of $log:"; tail -n 40 "$log" >&2; return 1
    fi
    sleep 0.05
  done
}

stop_pid() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "pid $pid ignored SIGTERM for 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# --- the gateway -------------------------------------------------------------------------------
# gateway_start [LABEL]: starts the packaged gateway (demo profile) through the development launcher,
# against the embedded PostgreSQL in $BENCH_RUN_DIR/postgres (or GATEWAY_DB_URL if given) and the
# bench token source, with the per-client rate limit (still checked) set far above any bench load so
# that every request is served. Sets GW_PID (the gateway's JVM), GW_LAUNCHER_PID,
# The gateway gets production's JVM options (gateway/src/main/jvm/jvm.options), then BENCH_GATEWAY_JAVA_OPTS.
# GW_PORT, GW_URL, GW_LOG, GW_READY_MS (process start to /q/health/ready = 200) and GW_DB_PORT (the
# embedded PostgreSQL's port; database "gateway", user "postgres", trust on loopback).
# BENCH_DB_DIR: the embedded PostgreSQL's data folder (default: the one every step of the run shares).
# Under --quick, bench/run starts one gateway for all the HTTP steps (bench/run: shared_gateway_start)
# and gateway_start hands that one out instead (GW_SHARED=1; GW_READY_MS is its first start, on a
# fresh database folder; GW_RSS_AT_REST_KB was sampled before any step loaded it).
GW_PID="" GW_LAUNCHER_PID="" GW_SHARED=0
gateway_start() {
  local label="${1:-gateway}" t0
  if [[ "${BENCH_QUICK:-0}" == 1 && -z "${BENCH_SHARED_STARTING:-}" && -f "$BENCH_RUN_DIR/shared-gateway.env" ]]; then
    # shellcheck disable=SC1091
    source "$BENCH_RUN_DIR/shared-gateway.env"
    GW_SHARED=1
    kill -0 "$GW_PID" 2>/dev/null || { say "the shared gateway ($GW_PID) is not running; log: $GW_LOG"; return 1; }
    return 0
  fi
  GW_PORT=$(free_port)
  GW_URL="http://127.0.0.1:$GW_PORT"
  GW_LOG="$BENCH_RUN_DIR/logs/$BENCH_STEP-$label.log"
  local db_port; db_port=$(free_port)
  GW_DB_PORT="$db_port"
  mkdir -p "$BENCH_RUN_DIR/logs"
  t0=$(now_ms)
  # The development launcher starts the embedded PostgreSQL (unless GATEWAY_DB_URL is given), then the
  # gateway as its child: GW_PID is the gateway's own JVM (measured), GW_LAUNCHER_PID the one to stop
  # (it stops the gateway, then its PostgreSQL).
  local pidfile="$BENCH_RUN_DIR/gateway-$label.pid"
  rm -f "$pidfile"
  # The launcher's heap: 128 MiB, because its first start on a machine unpacks PostgreSQL's xz archive
  # (a 64 MiB dictionary), which ran out of a 64 MiB heap.
  # shellcheck disable=SC2086
  (cd "$BENCH_RUN_DIR" && GATEWAY_HTTP_PORT="$GW_PORT" \
      GATEWAY_EMBEDDED_DB_DIR="${BENCH_DB_DIR:-$BENCH_RUN_DIR/postgres}" GATEWAY_EMBEDDED_DB_PORT="$db_port" \
      GATEWAY_OIDC_ISSUER="$BENCH_ISSUER" GATEWAY_OIDC_JWKS_URL="file:$BENCH_KEYS/jwks.json" QUARKUS_PROFILE=demo \
      GATEWAY_LIMITS_RPS="${GATEWAY_LIMITS_RPS:-100000}" GATEWAY_LIMITS_BURST="${GATEWAY_LIMITS_BURST:-100000}" \
      exec "$JAVA" -Xmx128m -jar "$BENCH_LAUNCHER_JAR" --gateway-jar "$BENCH_GATEWAY_JAR" --pid-file "$pidfile" \
        -- "@$BENCH_ROOT/gateway/src/main/jvm/jvm.options" ${BENCH_GATEWAY_JAVA_OPTS:-}) >"$GW_LOG" 2>&1 &
  GW_LAUNCHER_PID=$!
  _BENCH_PIDS+=("$GW_LAUNCHER_PID")
  for _ in $(seq 1 1200); do [[ -s "$pidfile" ]] && break; kill -0 "$GW_LAUNCHER_PID" 2>/dev/null || break; sleep 0.05; done
  [[ -s "$pidfile" ]] || { say "the launcher did not start the gateway; log: $GW_LOG"; tail -n 20 "$GW_LOG" >&2; return 1; }
  GW_PID=$(cat "$pidfile")
  # Generous: on a shared 2-core machine at a load average of 40 the FHIR warm-up alone took 77 s+.
  wait_ready "$GW_URL/q/health/ready" "$GW_PID" 600 "$GW_LOG"
  GW_READY_MS=$(( $(now_ms) - t0 ))
}

gateway_stop() {
  [[ -n "$GW_PID" ]] || return 0
  if (( GW_SHARED )); then GW_PID=""; return 0; fi   # bench/run stops the shared one at the end
  stop_pid "${GW_LAUNCHER_PID:-$GW_PID}"
  GW_PID="" GW_LAUNCHER_PID=""
  # A gateway killed hard leaves its embedded PostgreSQL behind: stop exactly that one.
  local pidfile="$BENCH_RUN_DIR/postgres/postmaster.pid"
  if [[ -f "$pidfile" ]]; then
    local pg; pg=$(head -n1 "$pidfile")
    [[ -n "$pg" ]] && kill -0 "$pg" 2>/dev/null && { say "stopping the orphaned embedded PostgreSQL ($pg)"; kill -INT "$pg" || true; sleep 2; }
  fi
  return 0
}

# --- JMH ---------------------------------------------------------------------------------------
# jmh_run REGEX JSON_OUT LOG JMH_OPTIONS... : the bench JMH jar with the gateway's own jar on the
# class path (benchmarks that call the gateway's classes need it; the others ignore it). JMH's forks
# inherit the class path.
jmh_run() {
  local regex="$1" json="$2" log="$3"
  "$JAVA" -Djava.io.tmpdir="$BENCH_RUN_DIR/tmp" -cp "$BENCH_JAR:$BENCH_GATEWAY_LIB_JAR" org.openjdk.jmh.Main "$regex" \
      "${@:4}" -rf json -rff "$json" >"$log" 2>&1 || { tail -n 30 "$log" >&2; return 1; }
}
BENCH_GATEWAY_LIB_JAR="$(ls "$BENCH_ROOT"/gateway/target/gateway-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n1 || true)"

# --- load (wrk) --------------------------------------------------------------------------------
# wrk_run URL SECONDS CONNECTIONS -> prints one JSON line {requests, seconds, rps, p50_ms, p99_ms, errors, non2xx}
wrk_run() {
  local url="$1" seconds="$2" connections="${3:-16}" out
  out=$(BENCH_TOKENS="$BENCH_KEYS/tokens.txt" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency \
      -s "$BENCH_ROOT/bench/wrk/bearer.lua" "$url")
  printf '%s\n' "$out" | sed -n 's/^BENCH_RESULT //p'
}
# gateway_psql_uri: a libpq URI for the database the gateway uses (embedded, or GATEWAY_DB_URL).
gateway_psql_uri() {
  if [[ -n "${GATEWAY_DB_URL:-}" ]]; then
    echo "postgresql://${GATEWAY_DB_USER:-gateway_app}${GATEWAY_DB_PASSWORD:+:$GATEWAY_DB_PASSWORD}@${GATEWAY_DB_URL#postgresql://}"
  else
    echo "postgresql://postgres@127.0.0.1:$GW_DB_PORT/gateway"
  fi
}
json_field() { sed -n "s/.*\"$2\":\([-0-9.e]*\).*/\1/p" <<<"$1"; }

bench_cleanup() {
  local pid
  for pid in "${_BENCH_PIDS[@]:-}"; do [[ -n "$pid" ]] && stop_pid "$pid"; done
  # (Not the shared gateway's database under --quick: bench/run stops that one.)
  if [[ ! -f "$BENCH_RUN_DIR/shared-gateway.env" && -f "$BENCH_RUN_DIR/postgres/postmaster.pid" ]]; then GW_PID=x gateway_stop; fi
}
trap bench_cleanup EXIT
