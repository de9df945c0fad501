#!/usr/bin/env bash
# title: Referral intake
# needs: gateway wrk gateway-server
# FHIR referral intake (POST /fhir, transaction Bundle, valid token) at 16 connections from wrk, a
# separate process, against pgbench running the same SQL transaction (the rows the gateway writes,
# generated from a referral the gateway wrote in this run) at 16 clients on the same PostgreSQL.
# Runs alternate gateway/pgbench so table growth and the neighbours' load hit both alike.
source "$BENCH_ROOT/bench/lib.sh"

CLIENTS=16
# The JIT needs a few thousand referrals on a busy machine before the rate settles (measured: 7 req/s
# in the first 10 s, 31 req/s after 60 s), hence the long warm-up; --quick is a smoke check only.
if [[ "$BENCH_QUICK" == 1 ]]; then RUNS=1; WARM=10; LOAD=5; else RUNS=3; WARM=45; LOAD=15; fi
command -v wrk >/dev/null || { say "wrk is missing (bench/run installs it with apt-get on Debian)"; exit 1; }
command -v pgbench >/dev/null && command -v psql >/dev/null \
  || { say "pgbench and psql are needed (Debian: apt-get install postgresql-client)"; exit 1; }

results step --title "Referral intake" --about "Gateway: \`wrk -t2 -c${CLIENTS}\` (a separate process) posting FHIR transaction Bundles (Patient + ServiceRequest, \`bench/referral/transaction-bundle.json\`, a fresh valid NHS number per request, so each referral is about a new child) to \`POST /fhir\` with a valid bearer token of the council \`la:E10000017\`, Purpose-Of-Use SAFEGUARDING: token check, strict HAPI parse, domain and language checks, policy decisions, routing to the MASH partners, one reactive transaction, the receipt. Baseline: \`pgbench -M prepared -c ${CLIENTS} -j 2\` running the same SQL transaction (\`bench/referral/pgbench-script.sql\` writes it from a referral the gateway stored in this run, in the gateway's round trips: BEGIN; the child + identifier; the child's consent read only for a child that existed; then one pipeline (pgbench's pipeline mode): the referral, every relationship in one multi-row INSERT, the matching keys, every alert in one INSERT, every recipient row in one, the audit event + its sealer-queue row, the receipt's two reads; COMMIT) on the same embedded PostgreSQL 17 (fsync and synchronous_commit on: durable commits for both). The gateway stays up (idle) during pgbench runs, so its audit sealer chains both loads' events. ${RUNS} run(s) of ${LOAD} s each, alternating gateway / pgbench after ${WARM} s of warm-up of each$([[ "$BENCH_QUICK" == 1 ]] && echo " (--quick: on the one gateway all HTTP steps share, too short for the JIT to settle)"); latencies are per request (wrk) and per transaction (pgbench \`-l\`)."

gateway_start intake
URI=$(gateway_psql_uri)
TOKEN=$("$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.TokenMint mint "$BENCH_KEYS" council-surrey la:E10000017 practitioner 14400)
BUNDLE="$BENCH_ROOT/bench/referral/transaction-bundle.json"
SCRIPT="$BENCH_RUN_DIR/referral.pgbench"

# One referral by hand first: it must be accepted (201), and it is the sample pgbench copies.
# Not the hapi-jpa-peer step's number: in a full run both share the database, and the sample must be a
# referral about a new child, as every measured one is.
nhs=9434765927
status=$(sed "s/\${nhsNumber}/$nhs/" "$BUNDLE" | curl -sS -o "$BENCH_RUN_DIR/referral-response.json" -w '%{http_code}' \
  -H "Authorization: Bearer $TOKEN" -H 'Purpose-Of-Use: SAFEGUARDING' -H 'Content-Type: application/fhir+json' \
  --data-binary @- "$GW_URL/fhir")
[[ "$status" == 200 || "$status" == 201 ]] || { say "POST /fhir answered $status: $(head -c 600 "$BENCH_RUN_DIR/referral-response.json")"; exit 1; }
sample=$(psql -At "$URI" -c "SELECT r.id FROM referral r JOIN child_identifier ci ON ci.child_id = r.child_id WHERE ci.value = '$nhs'")
[[ -n "$sample" ]] || { say "the sample referral is not in the database"; exit 1; }
psql -At -v ON_ERROR_STOP=1 -v sample="$sample" -f "$BENCH_ROOT/bench/referral/pgbench-script.sql" "$URI" >"$SCRIPT"
say "pgbench script from referral $sample: $(grep -c ';\|gset' "$SCRIPT") statements ($SCRIPT)"

TABLES=(child child_identifier referral referral_recipient relationship alert audit_event)
counts() { psql -At -F' ' "$URI" -c "SELECT $(printf '(SELECT count(*) FROM %s),' "${TABLES[@]}" | sed 's/,$//')"; }
# rows_per_referral BEFORE AFTER -> "table a.bc, ..." rows written per referral row written (wrk's
# request count misses requests still in flight when it stops, which commit all the same)
rows_per_referral() {
  local -a b=($1) a=($2); local out="" i n=$(( a[2] - b[2] ))
  (( n > 0 )) || { echo "no referral written"; return 0; }
  for i in "${!TABLES[@]}"; do out+="${TABLES[$i]} $(awk -v d=$(( a[i] - b[i] )) -v n="$n" 'BEGIN { printf "%.2f", d / n }'), "; done
  echo "${out%, }"
}

# CPU seconds (x100: clock ticks) of the gateway JVM, and of the whole embedded PostgreSQL (live
# processes plus what the postmaster reaped from ended backends); per request they say what a
# referral costs whatever the neighbours do, which is what capacity planning needs (docs/SCALING.md).
PG_MASTER=""
[[ -z "${GATEWAY_DB_URL:-}" && -f "$BENCH_RUN_DIR/postgres/postmaster.pid" ]] && PG_MASTER=$(head -n1 "$BENCH_RUN_DIR/postgres/postmaster.pid")
gw_ticks() { awk '{ print $14 + $15 }' "/proc/$GW_PID/stat"; }
pg_ticks() {
  [[ -n "$PG_MASTER" ]] || { echo 0; return 0; }
  local children master
  # Processes come and go while /proc is read: errors for vanished ones are expected.
  children=$( (cat /proc/[0-9]*/stat 2>/dev/null || true) | awk -v m="$PG_MASTER" '
    { sub(/^[0-9]+ \([^)]*\) /, "") } $2 == m { t += $12 + $13 } END { print t + 0 }')
  master=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$PG_MASTER/stat")
  echo $(( children + master ))
}
wal_lsn() { psql -At "$URI" -c "SELECT pg_current_wal_lsn()"; }
# kib_per N FROM_LSN TO_LSN -> WAL KiB written per item
kib_per() { psql -At "$URI" -c "SELECT round(pg_wal_lsn_diff('$3', '$2') / 1024.0 / greatest($1, 1), 2)"; }
# ms_per N TICKS -> CPU milliseconds per item
ms_per() { awk -v t="$2" -v n="$1" 'BEGIN { printf "%.2f", (n > 0 ? t * 10 / n : 0) }'; }

wrk_intake() {
  local out
  out=$(BENCH_BUNDLE="$BUNDLE" BENCH_TOKEN="$TOKEN" wrk -t2 -c"$CLIENTS" -d"${1}s" --timeout 10s --latency \
      -s "$BENCH_ROOT/bench/wrk/referral.lua" "$GW_URL")
  printf '%s\n' "$out" | sed -n 's/^BENCH_RESULT //p'
}
# pgbench_run SECONDS -> "tps p50_ms p99_ms transactions failed"
pgbench_run() {
  local dir="$BENCH_RUN_DIR/pgbench.$RANDOM" out tps
  mkdir -p "$dir"
  out=$(cd "$dir" && pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$1" -l -f "$SCRIPT" "$URI" 2>&1) \
    || { say "pgbench failed: $out"; return 1; }
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | head -n1)
  cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v tps="$tps" '
    { v[NR] = $1 } END { if (NR == 0) { print "0 0 0 0"; exit }
      p50 = v[int(NR * 0.50 + 0.5) > 0 ? int(NR * 0.50 + 0.5) : 1]; p99 = v[int(NR * 0.99 + 0.5)];
      printf "%s %.3f %.3f %d\n", tps, p50 / 1000, p99 / 1000, NR }'
  rm -rf "$dir"
}

say "warm-up: gateway ${WARM} s, pgbench ${WARM} s"
wrk_intake "$WARM" >/dev/null
pgbench_run "$WARM" >/dev/null

gw_rps=(); gw_p50=(); gw_p99=(); gw_rss=(); gw_cpu=(); gw_pgcpu=(); gw_wal=(); pg_wal=(); pg_tps=(); pg_p50=(); pg_p99=(); pg_pgcpu=()
for i in $(seq 1 "$RUNS"); do
  before=$(counts); g0=$(gw_ticks); p0=$(pg_ticks); w0=$(wal_lsn)
  echo 0 >"$BENCH_RUN_DIR/peak"
  ( peak=0; while kill -0 "$GW_PID" 2>/dev/null; do r=$(rss_kb "$GW_PID"); (( r > peak )) && peak=$r && echo "$peak" >"$BENCH_RUN_DIR/peak"; sleep 1; done ) &
  sampler=$!
  line=$(wrk_intake "$LOAD")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  g1=$(gw_ticks); p1=$(pg_ticks); w1=$(wal_lsn); after=$(counts)
  [[ -n "$line" ]] || { say "wrk gave no result"; exit 1; }
  requests=$(json_field "$line" requests)
  bad=$(( $(json_field "$line" non2xx) + $(json_field "$line" errors) ))
  gw_rows=$(rows_per_referral "$before" "$after")
  say "gateway run $i: $line; rows per referral: $gw_rows"
  (( bad == 0 )) || note "Gateway run $i: $bad of $requests requests were errors or not 2xx; that run's figures are suspect."
  gw_rps+=("$(json_field "$line" rps)"); gw_p50+=("$(json_field "$line" p50_ms)"); gw_p99+=("$(json_field "$line" p99_ms)")
  gw_rss+=("$(kb_to_mib "$(cat "$BENCH_RUN_DIR/peak")")")
  referrals=$(( $(cut -d' ' -f3 <<<"$after") - $(cut -d' ' -f3 <<<"$before") ))
  gw_cpu+=("$(ms_per "$referrals" $(( g1 - g0 )))"); gw_pgcpu+=("$(ms_per "$referrals" $(( p1 - p0 )))")
  gw_wal+=("$(kib_per "$referrals" "$w0" "$w1")")

  before=$(counts); p0=$(pg_ticks); w0=$(wal_lsn)
  read -r tps p50 p99 n < <(pgbench_run "$LOAD")
  p1=$(pg_ticks); w1=$(wal_lsn); after=$(counts)
  referrals=$(( $(cut -d' ' -f3 <<<"$after") - $(cut -d' ' -f3 <<<"$before") ))
  pg_pgcpu+=("$(ms_per "$referrals" $(( p1 - p0 )))"); pg_wal+=("$(kib_per "$referrals" "$w0" "$w1")")
  pg_rows=$(rows_per_referral "$before" "$after")
  say "pgbench run $i: $tps tps, p50 $p50 ms, p99 $p99 ms, $n transactions; rows per referral: $pg_rows"
  pg_tps+=("$tps"); pg_p50+=("$p50"); pg_p99+=("$p99")
done

B="pgbench, same SQL transaction"
figure "throughput, 16 clients" "req/s" "$(join_csv "${gw_rps[@]}")" --better higher --baseline "$B" \
  --baseline-runs "$(join_csv "${pg_tps[@]}")" --target "gateway >= 0.5x pgbench, durable commits (issue 5)" \
  --target-op '>=' --target-value 0.5 --target-on ratio
figure "p50" ms "$(join_csv "${gw_p50[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${pg_p50[@]}")"
figure "p99" ms "$(join_csv "${gw_p99[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${pg_p99[@]}")"
figure "gateway RSS under intake load (peak)" MiB "$(join_csv "${gw_rss[@]}")"
figure "gateway JVM CPU per referral" ms "$(join_csv "${gw_cpu[@]}")"
if [[ -n "$PG_MASTER" ]]; then
  figure "PostgreSQL CPU per referral" ms "$(join_csv "${gw_pgcpu[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${pg_pgcpu[@]}")"
fi
figure "WAL written per referral" KiB "$(join_csv "${gw_wal[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${pg_wal[@]}")"
note "Rows written per referral, counted in the last run (they must match for the baseline to be equivalent): gateway ${gw_rows}; pgbench ${pg_rows}. The gateway also updates rows the baseline does not: its dispatcher polls for due alerts every second (none are delivered: no webhook subscriptions in the bench database) and its sealer chains the audit events of both loads."
note "wrk, pgbench, the gateway and PostgreSQL share the machine's $(nproc) cores with each other and with other work (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)); the ratio measured in this run is the figure to trust, not the absolute rates."
gateway_stop
