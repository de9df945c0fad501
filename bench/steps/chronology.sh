#!/usr/bin/env bash
# title: Chronology read
# needs: gateway wrk gateway-server
# A child's chronology, first page (GET /api/v1/children/{id}/chronology), for a child with 1,000
# events, from wrk at 4 connections, against pgbench running the statement the gateway runs for that
# page (bench/chronology/chronology.sql, written by ChronologyTest from the gateway's own query) at 4
# clients on the same PostgreSQL. Runs alternate gateway/pgbench.
source "$BENCH_ROOT/bench/lib.sh"

CLIENTS=4
EVENTS=1000
if [[ "$BENCH_QUICK" == 1 ]]; then RUNS=1; WARM=5; LOAD=5; else RUNS=3; WARM=20; LOAD=15; fi
command -v wrk >/dev/null || { say "wrk is missing (bench/run installs it with apt-get on Debian)"; exit 1; }
command -v pgbench >/dev/null && command -v psql >/dev/null \
  || { say "pgbench and psql are needed (Debian: apt-get install postgresql-client)"; exit 1; }

results step --title "Chronology read" --about "Gateway: \`wrk -t2 -c${CLIENTS}\` (a separate process) reading the first page (50 entries) of the chronology of one child with ${EVENTS} events (a placement made through the API, then ${EVENTS} case events of that placement's shape written by SQL, spread over the previous ${EVENTS} minutes) as the placing council \`la:E09000030\`, Purpose-Of-Use SAFEGUARDING: token check, the access decision on the child, the consent view, the union query, one engine decision per distinct question, the audit row. Baseline: \`pgbench -M prepared -c ${CLIENTS} -j 2\` running the gateway's page statement (\`bench/chronology/chronology.sql\`, kept equal to the gateway's by ChronologyTest) for the same child, the unset filters and cursor bound as NULL literals, the batch size the gateway asks for (102 rows), on the same embedded PostgreSQL. ${RUNS} run(s) of ${LOAD} s each, alternating gateway / pgbench after ${WARM} s of warm-up of each$([[ "$BENCH_QUICK" == 1 ]] && echo " (--quick: too short to judge by)")."

gateway_start chronology
URI=$(gateway_psql_uri)
TOKEN=$("$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.TokenMint mint "$BENCH_KEYS" council-towerhamlets la:E09000030 practitioner 14400)

# A valid NHS number (modulus 11) not used before in this database.
nhs_number() {
  local d s c i
  while :; do
    d=$(printf '%09d' $(( (RANDOM * 32768 + RANDOM) % 1000000000 ))); s=0
    for i in 0 1 2 3 4 5 6 7 8; do s=$(( s + ${d:$i:1} * (10 - i) )); done
    c=$(( 11 - s % 11 )); (( c == 11 )) && c=0
    (( c == 10 )) || { echo "$d$c"; return; }
  done
}
NHS=$(nhs_number)
START=$(date -u -d '+7 days' +%Y-%m-%d)
placed=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Purpose-Of-Use: CARE-PLANNING' \
  -H 'Content-Type: application/json' "$GW_URL/api/v1/placements" --data-binary @- <<JSON
{"child": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "$NHS"}, "provider": "provider:SC123456",
 "hostCouncil": "la:E10000017", "hostPolice": "police:lancashire", "homePolice": "police:met", "school": "school:100000",
 "rhiService": "la:E09000030", "startDate": "$START", "identity": {"name": "Bench Child", "dateOfBirth": "2011-04-02"},
 "placement": {"address": "1 Hill Road, Preston PR1 1AA"}}
JSON
)
[[ "$(tail -n1 <<<"$placed")" == 201 ]] || { say "POST /api/v1/placements answered: $(head -c 600 <<<"$placed")"; exit 1; }
CHILD=$(sed -n 's/.*"childId" *: *"\([0-9a-f-]*\)".*/\1/p' <<<"$placed" | head -n1)
[[ -n "$CHILD" ]] || { say "no childId in the placement's answer"; exit 1; }
psql -At -v ON_ERROR_STOP=1 "$URI" >/dev/null <<SQL
INSERT INTO case_event (id, child_id, type, occurred_at, recorded_at, raised_by_agency, raised_by_subject, purpose, details)
SELECT gen_random_uuid(), e.child_id, e.type, e.occurred_at - make_interval(mins => n), e.recorded_at,
       e.raised_by_agency, e.raised_by_subject, e.purpose, e.details
FROM case_event e, generate_series(1, $(( EVENTS - 1 ))) n WHERE e.child_id = '$CHILD';
SQL
events=$(psql -At "$URI" -c "SELECT count(*) FROM case_event WHERE child_id = '$CHILD'")
say "child $CHILD has $events case events"
PAGE="/api/v1/children/$CHILD/chronology"
first=$(curl -sS -H "Authorization: Bearer $TOKEN" -H 'Purpose-Of-Use: SAFEGUARDING' "$GW_URL$PAGE")
shown=$(grep -o '"kind"' <<<"$first" | wc -l)
(( shown == 50 )) || { say "the first page shows $shown entries, not 50: $(head -c 600 <<<"$first")"; exit 1; }

# The gateway's statement, its parameters as pgbench binds them: the child as a variable (a one-element
# uuid[]: the gateway passes a child with its merged child, docs/IDENTITY.md), the unset
# filters and cursor as typed NULLs (as the gateway's custom plans see them), the batch size 102.
SCRIPT="$BENCH_RUN_DIR/chronology.pgbench"
{ grep -v '^--' "$BENCH_ROOT/bench/chronology/chronology.sql" \
  | sed -e 's/\$8/102/g' -e 's/\$7/NULL::text/g' -e 's/\$6/NULL::text/g' -e 's/\$5/NULL::timestamptz/g' \
        -e 's/\$4/NULL::text[]/g' -e 's/\$3/NULL::timestamptz/g' -e 's/\$2/NULL::timestamptz/g' -e 's/\$1/:child/g' \
  | tr '\n' ' '; echo ";"; } >"$SCRIPT"
rows=$(sed -e 's/:child/'"'{$CHILD}'"'/g' "$SCRIPT" | psql -At "$URI" | wc -l)
(( rows == 102 )) || { say "the pgbench statement gave $rows rows, not 102"; exit 1; }

wrk_read() {
  BENCH_TOKEN="$TOKEN" BENCH_PATH="$PAGE" wrk -t2 -c"$CLIENTS" -d"${1}s" --timeout 10s --latency \
    -s "$BENCH_ROOT/bench/wrk/chronology.lua" "$GW_URL" | sed -n 's/^BENCH_RESULT //p'
}
# pgbench_run SECONDS -> "tps p50_ms p99_ms transactions"
pgbench_run() {
  local dir="$BENCH_RUN_DIR/pgbench.$RANDOM" out tps
  mkdir -p "$dir"
  out=$(cd "$dir" && pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$1" -D child="{$CHILD}" -l -f "$SCRIPT" "$URI" 2>&1) \
    || { say "pgbench failed: $out"; return 1; }
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | head -n1)
  cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v tps="$tps" '
    { v[NR] = $1 } END { if (NR == 0) { print "0 0 0 0"; exit }
      p50 = v[int(NR * 0.50 + 0.5) > 0 ? int(NR * 0.50 + 0.5) : 1]; p99 = v[int(NR * 0.99 + 0.5)];
      printf "%s %.3f %.3f %d\n", tps, p50 / 1000, p99 / 1000, NR }'
  rm -rf "$dir"
}

say "warm-up: gateway ${WARM} s, pgbench ${WARM} s"
wrk_read "$WARM" >/dev/null
pgbench_run "$WARM" >/dev/null
gw_rps=(); gw_p50=(); gw_p99=(); pg_tps=(); pg_p50=(); pg_p99=()
for i in $(seq 1 "$RUNS"); do
  line=$(wrk_read "$LOAD")
  [[ -n "$line" ]] || { say "wrk gave no result"; exit 1; }
  bad=$(( $(json_field "$line" non2xx) + $(json_field "$line" errors) ))
  (( bad == 0 )) || note "Gateway run $i: $bad requests were errors or not 2xx; that run's figures are suspect."
  say "gateway run $i: $line"
  gw_rps+=("$(json_field "$line" rps)"); gw_p50+=("$(json_field "$line" p50_ms)"); gw_p99+=("$(json_field "$line" p99_ms)")
  read -r tps p50 p99 n < <(pgbench_run "$LOAD")
  say "pgbench run $i: $tps tps, p50 $p50 ms, p99 $p99 ms, $n statements"
  pg_tps+=("$tps"); pg_p50+=("$p50"); pg_p99+=("$p99")
done

B="pgbench, the gateway's page statement"
figure "first page p99" ms "$(join_csv "${gw_p99[@]}")" --target "p99 <= 100 ms (issue 24)" --target-op '<=' --target-value 100
figure "first page p99 against pgbench" ms "$(join_csv "${gw_p99[@]}")" --baseline "$B" \
  --baseline-runs "$(join_csv "${pg_p99[@]}")" --target "gateway p99 <= 3x pgbench's (issue 24)" \
  --target-op '<=' --target-value 3 --target-on ratio
figure "first page p50" ms "$(join_csv "${gw_p50[@]}")" --baseline "$B" --baseline-runs "$(join_csv "${pg_p50[@]}")"
figure "throughput, ${CLIENTS} clients" "req/s" "$(join_csv "${gw_rps[@]}")" --better higher --baseline "$B" \
  --baseline-runs "$(join_csv "${pg_tps[@]}")"
note "The ${EVENTS} events are case events of one agency's placement, so the engine answers one question for the whole page (decisions are cached per question within a read); a child whose events come from many agencies and kinds costs one decision per distinct (relationship kinds, source, action, categories). wrk, pgbench, the gateway and PostgreSQL share the machine's $(nproc) cores (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))."
gateway_stop
