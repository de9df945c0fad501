#!/usr/bin/env bash
# title: FHIR server peer (HAPI FHIR JPA)
# needs: gateway wrk gateway-server hapi-peer
# quick: skip
# The FHIR server a user would otherwise pick, beside the gateway in the same run: a minimal HAPI FHIR
# JPA server 8.8.0 (bench/hapi-jpa-peer: R4, the stock starter's defaults, PostgreSQL) in its own
# database on the gateway's PostgreSQL, both taking the same transaction Bundle from wrk at 16
# connections, alternating runs after a warm-up of each. Left out of `bench/run --quick` unless named
# (the peer's first start creates its schema: about a minute on a quiet machine).
source "$BENCH_ROOT/bench/lib.sh"

CLIENTS=16
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ "$BENCH_QUICK" == 1 ]]; then RUNS=1; WARM=10; LOAD=5; else RUNS=3; WARM=30; LOAD=20; fi
PEER_DIR="$BENCH_ROOT/bench/hapi-jpa-peer/target"
[[ -f "$PEER_DIR/hapi-jpa-peer.jar" ]] || { say "missing $PEER_DIR/hapi-jpa-peer.jar: run without --no-build"; exit 1; }
command -v wrk >/dev/null || { say "wrk is missing (bench/run installs it with apt-get on Debian)"; exit 1; }
command -v psql >/dev/null || { say "psql is needed (Debian: apt-get install postgresql-client)"; exit 1; }
if [[ -n "${GATEWAY_DB_URL:-}" && -z "${HAPI_DB_URL:-}" ]]; then
  say "with GATEWAY_DB_URL, give the peer its own database on that server: HAPI_DB_URL (JDBC), HAPI_DB_USER, HAPI_DB_PASSWORD"; exit 1
fi

results step --title "FHIR server peer (HAPI FHIR JPA)" --about "The peer a user would otherwise pick: a HAPI FHIR JPA server (\`ca.uhn.hapi.fhir:hapi-fhir-jpaserver-base\` 8.8.0, \`bench/hapi-jpa-peer\`) assembled as hapi-fhir-jpaserver-starter assembles it for R4 with the starter's defaults (no validation, no subscription channel, default indexing, resource history on, referential integrity on write, Hikari pool of 10, access-log interceptor, pretty-printed JSON; plain Spring and embedded Jetty 12 instead of Spring Boot and Tomcat; no OpenAPI/Swagger UI), in its own database (\`hapi_<n>\`, created by the step) on the gateway's PostgreSQL (schema by Hibernate \`hbm2ddl=update\`, as the starter). Both take the same transaction Bundle (\`bench/referral/transaction-bundle.json\`, Patient + ServiceRequest, a fresh valid NHS number per request; HAPI accepts it unchanged) from \`wrk -t2 -c${CLIENTS}\` (\`bench/wrk/referral.lua\`; HAPI ignores the bearer token and Purpose-Of-Use headers), ${RUNS} run(s) of ${LOAD} s each, alternating gateway / HAPI after ${WARM} s of warm-up of each. The gateway does more per request (token check, strict parse, policy, routing, alerts, chained audit); its per-client rate limit is raised above the load (GATEWAY_LIMITS_RPS) so that both do all the work. Start-up: process launch to ready (gateway \`/q/health/ready\`, HAPI \`/fhir/metadata\`), each a first start on an empty database. RSS: VmRSS of each JVM after the last run. Ratios are gateway / HAPI."

gateway_start peer
URI=$(gateway_psql_uri)
TOKEN=$("$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.TokenMint mint "$BENCH_KEYS" council-surrey la:E10000017 practitioner 14400)
BUNDLE="$BENCH_ROOT/bench/referral/transaction-bundle.json"

# --- the peer, in its own database on the same PostgreSQL --------------------------------------------
if [[ -n "${HAPI_DB_URL:-}" ]]; then
  HAPI_URI="postgresql://${HAPI_DB_USER:-postgres}${HAPI_DB_PASSWORD:+:$HAPI_DB_PASSWORD}@${HAPI_DB_URL#jdbc:postgresql://}"
else
  db="hapi_$RANDOM"   # a fresh database even on the shared --quick gateway's server
  psql -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$GW_DB_PORT/postgres" -c "CREATE DATABASE $db"
  export HAPI_DB_URL="jdbc:postgresql://127.0.0.1:$GW_DB_PORT/$db" HAPI_DB_USER=postgres
  HAPI_URI="postgresql://postgres@127.0.0.1:$GW_DB_PORT/$db"
fi
HAPI_PORT=$(free_port)
HAPI_URL="http://127.0.0.1:$HAPI_PORT"
HAPI_LOG="$BENCH_RUN_DIR/logs/$BENCH_STEP-hapi.log"
t0=$(now_ms)
# shellcheck disable=SC2086
(cd "$BENCH_RUN_DIR" && HAPI_HTTP_PORT="$HAPI_PORT" exec "$JAVA" -Djava.io.tmpdir="$BENCH_RUN_DIR/tmp" \
    ${BENCH_HAPI_JAVA_OPTS:-} -jar "$PEER_DIR/hapi-jpa-peer.jar") >"$HAPI_LOG" 2>&1 &
HAPI_PID=$!
_BENCH_PIDS+=("$HAPI_PID")
wait_ready "$HAPI_URL/fhir/metadata" "$HAPI_PID" 900 "$HAPI_LOG"
HAPI_READY_MS=$(( $(now_ms) - t0 ))
say "HAPI JPA peer ready in $HAPI_READY_MS ms (pid $HAPI_PID, $HAPI_URL, database $HAPI_URI)"

# One by hand on each first: both must accept the Bundle.
for target in "$GW_URL" "$HAPI_URL"; do
  status=$(sed "s/\${nhsNumber}/9434765919/" "$BUNDLE" | curl -sS -o "$BENCH_RUN_DIR/peer-response.json" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" -H 'Purpose-Of-Use: SAFEGUARDING' -H 'Content-Type: application/fhir+json' \
    --data-binary @- "$target/fhir")
  [[ "$status" == 200 || "$status" == 201 ]] || { say "POST $target/fhir answered $status: $(head -c 600 "$BENCH_RUN_DIR/peer-response.json")"; exit 1; }
done

gw_rows() { psql -At "$URI" -c "SELECT count(*) FROM referral"; }
hapi_rows() { psql -At "$HAPI_URI" -c "SELECT count(*) FROM hfj_resource WHERE res_type = 'ServiceRequest'"; }
load() {
  local out
  out=$(BENCH_BUNDLE="$BUNDLE" BENCH_TOKEN="$TOKEN" wrk -t2 -c"$CLIENTS" -d"${2}s" --timeout 10s --latency \
      -s "$BENCH_ROOT/bench/wrk/referral.lua" "$1")
  printf '%s\n' "$out" | sed -n 's/^BENCH_RESULT //p'
}
# measure NAME URL ROWS_FN -> one run; appends to NAME_rps/_p50/_p99 and sets BAD, STORED, DONE
measure() {
  local name="$1" before after line
  before=$("$3")
  line=$(load "$2" "$LOAD")
  sleep 1   # requests wrk stopped waiting for still commit
  after=$("$3")
  [[ -n "$line" ]] || { say "wrk gave no result for $name"; return 1; }
  BAD=$(( $(json_field "$line" non2xx) + $(json_field "$line" errors) ))
  DONE=$(( $(json_field "$line" requests) - BAD )); STORED=$(( after - before ))
  eval "${name}_rps+=($(json_field "$line" rps)) ${name}_p50+=($(json_field "$line" p50_ms)) ${name}_p99+=($(json_field "$line" p99_ms))"
  say "$name run: $line; rows stored $STORED for $DONE completed requests"
  (( STORED >= DONE )) || note "${name} run: only ${STORED} rows stored for ${DONE} requests answered 2xx: answers without a stored row; that run's figures are suspect."
}

say "warm-up: gateway ${WARM} s, HAPI ${WARM} s"
load "$GW_URL" "$WARM" >/dev/null
load "$HAPI_URL" "$WARM" >/dev/null

gw_rps=(); gw_p50=(); gw_p99=(); hapi_rps=(); hapi_p50=(); hapi_p99=(); rows=()
gw_bad=0 hapi_bad=0
for i in $(seq 1 "$RUNS"); do
  measure gw "$GW_URL" gw_rows; gw_bad=$(( gw_bad + BAD )); rows+=("gateway run $i: $STORED referral rows for $DONE completed requests")
  measure hapi "$HAPI_URL" hapi_rows; hapi_bad=$(( hapi_bad + BAD )); rows+=("HAPI run $i: $STORED ServiceRequest resources for $DONE completed requests")
done
gw_rss=$(kb_to_mib "$(rss_kb "$GW_PID")"); hapi_rss=$(kb_to_mib "$(rss_kb "$HAPI_PID")")
fsync=$(psql -At "$URI" -c "SHOW fsync"); sync_commit=$(psql -At "$URI" -c "SHOW synchronous_commit")
pg_version=$(psql -At "$URI" -c "SHOW server_version")

B="HAPI FHIR JPA 8.8.0, same Bundle"
figure "throughput, 16 connections" "req/s" "$(join_csv "${gw_rps[@]}")" --better higher --baseline "$B" \
  --baseline-runs "$(join_csv "${hapi_rps[@]}")" --target "gateway >= 2x HAPI JPA (issue 25)" \
  --target-op '>=' --target-value 2 --target-on ratio
figure "p50" ms "$(join_csv "${gw_p50[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${hapi_p50[@]}")"
figure "p99" ms "$(join_csv "${gw_p99[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${hapi_p99[@]}")" \
  --target "gateway p99 <= 0.5x HAPI JPA's (issue 25)" --target-op '<=' --target-value 0.5 --target-on ratio
figure "start-up to ready (first start, empty database)" s "$(ms_to_s "$GW_READY_MS")" --baseline "$B" \
  --baseline-runs "$(ms_to_s "$HAPI_READY_MS")"
figure "RSS after the last run" MiB "$gw_rss" --baseline "$B" --baseline-runs "$hapi_rss"
note "Both did all the work: non-2xx or failed requests gateway ${gw_bad}, HAPI ${hapi_bad} (must be 0; otherwise the figures are suspect). Rows stored against requests completed (wrk does not count requests still in flight when it stops, which commit all the same, so stored can exceed completed by up to ${CLIENTS}): $(IFS=';'; echo "${rows[*]}" | sed 's/;/; /g')."
note "PostgreSQL ${pg_version} shared by both (databases \`gateway\` and the peer's), fsync=${fsync}, synchronous_commit=${sync_commit}: durable commits for both. $([[ "$GW_SHARED" == 1 ]] && echo "The gateway is the one --quick shares between the HTTP steps: its start-up figure is that first start. ")wrk, both servers and PostgreSQL share the machine's $(nproc) cores with each other and with other work (load average at the start of the step: ${LOAD_AT_START}; at the end: $(cut -d' ' -f1-3 /proc/loadavg)); the ratio measured in this run is the figure to trust."
stop_pid "$HAPI_PID"
gateway_stop
