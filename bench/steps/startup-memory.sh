#!/usr/bin/env bash
# title: Start-up and memory
# needs: gateway wrk gateway-server
# Start-up to ready (median of 3 restarts), resident memory at rest and under a whoami load at 16
# connections (wrk, a separate process), with the load's throughput/p50/p99; baseline: the JDK's
# own HTTP server doing a bare RS256 check (bench BareServer), measured the same way in this run.
# Then resident memory under the referral intake load (POST /fhir as bench/steps/referral-intake.sh
# drives it), the figure issue 25's memory target is on. The gateway runs with the production JVM
# options (gateway/src/main/jvm/jvm.options, passed by bench/lib.sh gateway_start as bin/run does).
source "$BENCH_ROOT/bench/lib.sh"

# --quick: no restarts and one load run each, on the gateway bench/run started for all HTTP steps
# (its first start, on a fresh database folder, is the start-up figure; RSS at rest was sampled
# 3 s after it was ready, before any step loaded it).
if [[ "$BENCH_QUICK" == 1 ]]; then RUNS=1; SETTLE=3; WARM=5; LOAD=5; else RUNS=3; SETTLE=5; WARM=30; LOAD=15; fi
CONNECTIONS=16
# The intake load: shorter than referral-intake's (its warm-up settles the JIT for throughput; here
# only the memory high-water mark matters, which the first seconds of parsing and writing reach).
if [[ "$BENCH_QUICK" == 1 ]]; then IWARM=5; ILOAD=5; else IWARM=20; ILOAD=15; fi
command -v wrk >/dev/null || { say "wrk is missing (bench/run installs it with apt-get on Debian)"; exit 1; }

results step --title "Start-up and memory" --about "Start-up: from launching the development launcher as \`bin/run\` does (\`java -jar dev-launcher/target/dev-launcher-runnable.jar\`, which starts the embedded PostgreSQL and then \`java -Dquarkus.profile=demo -jar gateway/target/quarkus-app/quarkus-run.jar\` with default JVM options) to \`/q/health/ready\` answering 200, polled every 50 ms (the gateway's JVM options: \`gateway/src/main/jvm/jvm.options\`, the ones production uses); ${RUNS} restarts on an existing database (the first start on a fresh data folder, which runs initdb and the migrations, is shown on its own). The embedded PostgreSQL starts inside that time unless \`GATEWAY_DB_URL\` is given. Memory: VmRSS of the gateway's JVM process (not the launcher's, not its PostgreSQL) ${SETTLE} s after ready, and the peak sampled every second during each load run. Load: \`wrk -t2 -c${CONNECTIONS}\` for ${LOAD} s per run after ${WARM} s of warm-up, \`GET /api/v1/whoami\` round-robin over bench tokens for the 9 sample agencies: token verification, the agency augmentor, the request filter, JSON, **and one audit row per request** (the audit safety net records every read, an INSERT with a durable commit), so this is not a pure token-verification load. Baseline: \`BareServer\` (JDK \`HttpServer\` with TCP_NODELAY, 16 threads, bare RS256 check, echoes the claims, writes nothing), a floor rather than a competitor. Intake load: \`wrk -t2 -c${CONNECTIONS}\` posting FHIR transaction Bundles to \`POST /fhir\` as the referral-intake step does, ${ILOAD} s per run after ${IWARM} s of warm-up, peak VmRSS sampled every second (issue 25's target: at most 512 MiB)."

# measure_load URL PID -> appends to the named arrays: rps, p50, p99, rss peak
load_runs() {
  local url="$1" pid="$2" prefix="$3" i line peak sampler
  wrk_run "$url" "$WARM" "$CONNECTIONS" >/dev/null
  for i in $(seq 1 "$RUNS"); do
    echo 0 >"$BENCH_RUN_DIR/peak"
    ( peak=0; while kill -0 "$pid" 2>/dev/null; do r=$(rss_kb "$pid"); (( r > peak )) && peak=$r && echo "$peak" >"$BENCH_RUN_DIR/peak"; sleep 1; done ) &
    sampler=$!
    line=$(wrk_run "$url" "$LOAD" "$CONNECTIONS")
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    peak=$(cat "$BENCH_RUN_DIR/peak")
    say "$prefix load run $i: $line, peak RSS ${peak} kB"
    [[ -n "$line" ]] || { say "wrk gave no result"; return 1; }
    eval "${prefix}_rps+=($(json_field "$line" rps))"
    eval "${prefix}_p50+=($(json_field "$line" p50_ms))"
    eval "${prefix}_p99+=($(json_field "$line" p99_ms))"
    eval "${prefix}_rssload+=($(kb_to_mib "$peak"))"
    local bad=$(( $(json_field "$line" non2xx) + $(json_field "$line" errors) ))
    (( bad == 0 )) || { note "$prefix load run $i: $bad responses were errors or not 2xx; figures for it are suspect."; }
  done
}

# --- the gateway ---------------------------------------------------------------------------------
gw_start=(); gw_rss=(); gw_rps=(); gw_p50=(); gw_p99=(); gw_rssload=()
if [[ -n "${GATEWAY_DB_URL:-}" ]]; then first_label="first start of the run (given database: migrations if new)"
else first_label="first start, fresh database folder (initdb + migrations)"; fi
say "$first_label"
gateway_start first
first_ms=$GW_READY_MS
say "first start ready in ${first_ms} ms"
curl -fsS -H "Authorization: Bearer $(head -n1 "$BENCH_KEYS/tokens.txt")" "$GW_URL/api/v1/whoami" >/dev/null \
  || { say "whoami with a bench token failed: the token source is not accepted"; exit 1; }
if (( GW_SHARED )); then
  # --quick: the shared gateway's first start stands in for the restarts (say so in the figure).
  gw_start+=("$(ms_to_s "$first_ms")"); gw_rss+=("$(kb_to_mib "$GW_RSS_AT_REST_KB")")
  restarts=0
else
  gateway_stop
  restarts=$RUNS
fi
for i in $(seq 1 "$restarts"); do
  gateway_start "restart-$i"
  gw_start+=("$(ms_to_s "$GW_READY_MS")")
  sleep "$SETTLE"
  gw_rss+=("$(kb_to_mib "$(rss_kb "$GW_PID")")")
  say "restart $i ready in ${GW_READY_MS} ms, RSS at rest ${gw_rss[-1]} MiB"
  if (( i < RUNS )); then gateway_stop; fi
done
load_runs "$GW_URL/api/v1/whoami" "$GW_PID" gw

# --- the gateway under the referral intake load (bench/wrk/referral.lua, as referral-intake.sh) ---
gw_rssintake=(); gw_rpsintake=()
TOKEN=$("$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.TokenMint mint "$BENCH_KEYS" council-surrey la:E10000017 practitioner 14400)
wrk_intake() {
  BENCH_BUNDLE="$BENCH_ROOT/bench/referral/transaction-bundle.json" BENCH_TOKEN="$TOKEN" \
    wrk -t2 -c"$CONNECTIONS" -d"${1}s" --timeout 10s --latency -s "$BENCH_ROOT/bench/wrk/referral.lua" "$GW_URL" \
    | sed -n 's/^BENCH_RESULT //p'
}
wrk_intake "$IWARM" >/dev/null
for i in $(seq 1 "$RUNS"); do
  echo 0 >"$BENCH_RUN_DIR/peak"
  ( peak=0; while kill -0 "$GW_PID" 2>/dev/null; do r=$(rss_kb "$GW_PID"); (( r > peak )) && peak=$r && echo "$peak" >"$BENCH_RUN_DIR/peak"; sleep 1; done ) &
  sampler=$!
  line=$(wrk_intake "$ILOAD")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  [[ -n "$line" ]] || { say "wrk gave no result for the intake load"; exit 1; }
  bad=$(( $(json_field "$line" non2xx) + $(json_field "$line" errors) ))
  (( bad == 0 )) || note "Intake load run $i: $bad responses were errors or not 2xx; its figures are suspect."
  gw_rssintake+=("$(kb_to_mib "$(cat "$BENCH_RUN_DIR/peak")")"); gw_rpsintake+=("$(json_field "$line" rps)")
  say "intake load run $i: $line, peak RSS ${gw_rssintake[-1]} MiB"
done
# Where the memory goes, when the gateway was started with -XX:NativeMemoryTracking (bench/README.md).
JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
if command -v "$JCMD" >/dev/null && "$JCMD" "$GW_PID" VM.native_memory summary >"$BENCH_RUN_DIR/logs/$BENCH_STEP-nmt.txt" 2>/dev/null \
    && grep -q 'Total: reserved' "$BENCH_RUN_DIR/logs/$BENCH_STEP-nmt.txt"; then
  say "NMT summary after the intake load: $BENCH_RUN_DIR/logs/$BENCH_STEP-nmt.txt"
fi
gateway_stop

# --- the baseline --------------------------------------------------------------------------------
b_start=(); b_rss=(); b_rps=(); b_p50=(); b_p99=(); b_rssload=()
for i in $(seq 1 "$RUNS"); do
  port=$(free_port); log="$BENCH_RUN_DIR/logs/$BENCH_STEP-bare-$i.log"; t0=$(now_ms)
  "$JAVA" -Dsun.net.httpserver.nodelay=true -cp "$BENCH_JAR" uk.safeguarding.bench.BareServer "$port" "$BENCH_KEYS/public-key.pem" 16 >"$log" 2>&1 &
  bare=$!; _BENCH_PIDS+=("$bare")
  wait_ready "http://127.0.0.1:$port/q/health/ready" "$bare" 60 "$log"
  b_start+=("$(ms_to_s $(( $(now_ms) - t0 )))")
  sleep "$SETTLE"
  b_rss+=("$(kb_to_mib "$(rss_kb "$bare")")")
  if (( i < RUNS )); then stop_pid "$bare"; fi
done
load_runs "http://127.0.0.1:$port/api/v1/whoami" "$bare" b
stop_pid "$bare"

# --- figures -------------------------------------------------------------------------------------
B="JDK HttpServer + bare RS256"
if (( GW_SHARED )); then
  figure "start-up to ready ($first_label)" s "$(join_csv "${gw_start[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${b_start[@]}")"
  note "--quick: one start of the gateway (the one all HTTP steps of the run share, on a fresh database folder, so initdb and the migrations are inside it) and one load run; the full run adds 3 restarts on the existing database and takes medians of 3. The whoami load ran after the referral-intake step on the same gateway and database."
else
  figure "start-up to ready" s "$(join_csv "${gw_start[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${b_start[@]}")"
  figure "$first_label" s "$(ms_to_s "$first_ms")" --note "one run, not a median"
fi
figure "RSS at rest" MiB "$(join_csv "${gw_rss[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${b_rss[@]}")"
figure "RSS under load (peak)" MiB "$(join_csv "${gw_rssload[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${b_rssload[@]}")"
figure "RSS under intake load (peak)" MiB "$(join_csv "${gw_rssintake[@]}")" \
  --target "RSS under intake load <= 512 MiB (issue 25)" --target-op '<=' --target-value 512 --target-on value
figure "intake throughput during the memory run, 16 connections" "req/s" "$(join_csv "${gw_rpsintake[@]}")" --better higher \
  --note "a short run for the memory figure; the throughput figure to trust is the referral-intake step's"
figure "whoami throughput, 16 connections" "req/s" "$(join_csv "${gw_rps[@]}")" --better higher --baseline "$B" --baseline-runs "$(join_csv "${b_rps[@]}")"
figure "whoami p50" ms "$(join_csv "${gw_p50[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${b_p50[@]}")"
figure "whoami p99" ms "$(join_csv "${gw_p99[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${b_p99[@]}")"
if [[ -n "${GATEWAY_DB_URL:-}" ]]; then db="the given PostgreSQL (GATEWAY_DB_URL)"; else db="the embedded PostgreSQL 17 (started by the gateway, inside the start-up time)"; fi
note "Database: $db. No issue sets a target for start-up or memory; the ratios say what the framework, the database and the checks cost over a bare JDK server."
note "wrk runs on the same machine as the server and competes for the same cores, so the throughput is a lower bound for both; compare the ratio, not the absolute number."
