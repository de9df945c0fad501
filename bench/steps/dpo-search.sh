#!/usr/bin/env bash
# title: DPO search at scale
# needs: gateway wrk
# quick: skip
# The DPO's typical audit searches (by child, by agency and month, keyset pages, the disclosure report)
# through the real API with a DPO token, over an audit trail of 2,000,000 events written by SQL
# (bench/dpo/load.sql: 100,000 children, 50 agencies, events per child Zipf-like), each against
# pgbench running the gateway's statement with the same parameters on the same PostgreSQL.
# BENCH_DPO_EVENTS / BENCH_DPO_CHILDREN scale it down (every block then says so).
source "$BENCH_ROOT/bench/lib.sh"

EVENTS="${BENCH_DPO_EVENTS:-2000000}"
CHILDREN="${BENCH_DPO_CHILDREN:-100000}"
DPO_AGENCY="la:E09000030"
export PGTZ=UTC   # timestamps in the parameter lists and EXPLAINs are read and written as UTC
CLIENTS=4
if [[ "$BENCH_QUICK" == 1 ]]; then RUNS=1; WARM=3; LOAD=5; else RUNS=3; WARM=10; LOAD=15; fi
command -v wrk >/dev/null || { say "wrk is missing (bench/run installs it with apt-get on Debian)"; exit 1; }
command -v pgbench >/dev/null && command -v psql >/dev/null \
  || { say "pgbench and psql are needed (Debian: apt-get install postgresql-client)"; exit 1; }
(( CHILDREN >= 2000 && EVENTS >= 5 * CHILDREN )) || { say "need BENCH_DPO_CHILDREN >= 2000 and BENCH_DPO_EVENTS >= 5x it"; exit 1; }
SCALE=""
(( EVENTS < 2000000 || CHILDREN < 100000 )) && SCALE=" REDUCED SCALE (BENCH_DPO_EVENTS=$EVENTS, BENCH_DPO_CHILDREN=$CHILDREN): not the issue's 2,000,000 events."

# Disk: measured (run 20261206T150811Z, embedded PostgreSQL 17), 2,048,804 events made a 1,665 MB
# database (0.8 KB per event: the row, its five indexes, the chain row and its index) in a 2.7 GB data
# directory with the load's WAL (1.4 KB per event). The floor is 4 KB per event (about 3x that, for
# the index rebuilds' sort files and the WAL before a checkpoint recycles it) plus 2 GiB.
if [[ -z "${GATEWAY_DB_URL:-}" ]]; then
  NEED_KB=$(( EVENTS * 4 + 2 * 1024 * 1024 ))
  FREE_KB=$(df -Pk "$BENCH_RUN_DIR" | awk 'NR == 2 {print $4}')
  if (( FREE_KB < NEED_KB )); then
    say "refusing: $(( FREE_KB / 1024 )) MiB free under $BENCH_RUN_DIR, $(( NEED_KB / 1024 )) MiB needed for $EVENTS events (4 KB each: about 3x the 1.4 KB measured with the load's WAL, plus 2 GiB); free space or lower BENCH_DPO_EVENTS"
    exit 1
  fi
  say "disk: $(( FREE_KB / 1024 )) MiB free, $(( NEED_KB / 1024 )) MiB needed"
else
  say "GATEWAY_DB_URL given: free disk on that server is not checked (about 2 KB per event needed)"
fi

results step --title "DPO search at scale" --about "The DPO's typical searches through \`GET /api/v1/audit/events\` and \`GET /api/v1/audit/children/{id}/disclosures\` as the DPO of \`$DPO_AGENCY\` (token role \`dpo\`, Purpose-Of-Use DPO-REVIEW, own-agency scope: the agency's staff's actions or disclosures of its information), over an audit trail of ${EVENTS} events with their chain rows written by SQL (\`bench/dpo/load.sql\`) for ${CHILDREN} children and 50 agencies, events per child \`3 + ceil(K / rank^0.75)\`. \`wrk -t2 -c${CLIENTS}\` (\`bench/wrk/paths.lua\`) cycles each search over a list of parameters: **by child** (2,000 children of the DPO's agency spread over the whole distribution plus the 20 largest children of other agencies; first page of 50), **by agency and month** (each of the 50 agencies x 12 months, first page), **keyset pages** 2-6 of the DPO's own agency's month (12 months, cursors from the gateway's own nextCursor), **disclosure report** (the same children as by child, JSON). Baseline: \`pgbench -M prepared -c ${CLIENTS} -j 2\` running the gateway's statements (\`bench/dpo/*.pgbench\`, written from AuditQueries by DpoBenchStatementsTest) with the same parameter lists, on the same embedded PostgreSQL. ${RUNS} run(s) of ${LOAD} s per search, gateway and pgbench alternating, after ${WARM} s of warm-up of each.${SCALE}"

# The scheduled verifier would re-hash the synthetic history (see load.sql) beside the measurements.
export GATEWAY_AUDIT_VERIFICATION_ENABLED=false
# Its own database folder: the other steps of a full run leave chain entries in the shared one (and their
# figures would be measured beside two million events otherwise).
export BENCH_DB_DIR="$BENCH_RUN_DIR/postgres-dpo"
gateway_start dpo
URI=$(gateway_psql_uri)
sealed=$(psql -At "$URI" -c "SELECT count(*) FROM audit_chain")
(( sealed == 0 )) || { say "the database already has $sealed chain entries: the step needs a fresh one"; exit 1; }
say "loading ${EVENTS} events for ${CHILDREN} children (bench/dpo/load.sql)"
t0=$(now_ms)
psql -q -X -v ON_ERROR_STOP=1 -v events="$EVENTS" -v children="$CHILDREN" -v dpo_agency="$DPO_AGENCY" \
  -f "$BENCH_ROOT/bench/dpo/load.sql" "$URI" >"$BENCH_RUN_DIR/logs/dpo-load.log" 2>&1 \
  || { say "the load failed:"; tail -n 20 "$BENCH_RUN_DIR/logs/dpo-load.log" >&2; exit 1; }
LOAD_S=$(ms_to_s $(( $(now_ms) - t0 )))
read -r loaded chained < <(psql -At -F' ' "$URI" -c "SELECT (SELECT count(*) FROM audit_event), (SELECT count(*) FROM audit_chain)")
DB_SIZE=$(psql -At "$URI" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
DIST=$(psql -At "$URI" -c "SELECT format('min %s, median %s, p90 %s, p99 %s, max %s; %s children with >= 1,000 events hold %s%% of all events; the largest 1%% of children hold %s%%',
    min(events), percentile_disc(0.5) WITHIN GROUP (ORDER BY events), percentile_disc(0.9) WITHIN GROUP (ORDER BY events),
    percentile_disc(0.99) WITHIN GROUP (ORDER BY events), max(events), count(*) FILTER (WHERE events >= 1000),
    round(100.0 * sum(events) FILTER (WHERE events >= 1000) / sum(events), 1),
    round(100.0 * sum(events) FILTER (WHERE r <= $CHILDREN / 100) / sum(events), 1)) FROM bench_dpo.child")
say "loaded $loaded events, $chained chain rows in $LOAD_S s; database $DB_SIZE; events per child: $DIST"

# The checkpointer signs the loaded chain (it links from the genesis hash) before anything is measured.
t0=$(now_ms)
for _ in $(seq 1 600); do
  covered=$(psql -At "$URI" -c "SELECT coalesce(max(last_seq), 0) FROM audit_checkpoint")
  (( covered >= chained )) && break
  sleep 1
done
say "checkpoints cover seq $covered of $chained after $(ms_to_s $(( $(now_ms) - t0 ))) s"

# A restart: the searches run on a gateway that started on this database (and its start-up is reported).
RESTART_MS=""
if (( ! GW_SHARED )); then
  gateway_stop
  gateway_start dpo-loaded
  RESTART_MS=$GW_READY_MS
  URI=$(gateway_psql_uri)
  say "gateway restarted on the loaded database, ready in $RESTART_MS ms"
fi
TOKEN=$("$JAVA" -cp "$BENCH_JAR" uk.safeguarding.bench.TokenMint mint "$BENCH_KEYS" dpo-towerhamlets "$DPO_AGENCY" dpo 14400)
get() { curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Purpose-Of-Use: DPO-REVIEW' -H 'Accept: application/json' "$GW_URL$1"; }

# The parameter lists, one table per search (pgbench reads them with \gset) and the same as wrk paths.
psql -q -X -v ON_ERROR_STOP=1 "$URI" <<SQL
CREATE TABLE bench_dpo.q_child AS
SELECT row_number() OVER (ORDER BY r) AS i, child_id FROM bench_dpo.child
WHERE (r % 50 = 0 AND r <= 100000) OR r <= 20;
CREATE TABLE bench_dpo.q_agency AS
SELECT row_number() OVER (ORDER BY a.i, m) AS i, a.id AS agency,
       date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(months => m) AS t0,
       date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(months => m - 1) AS t1
FROM bench_dpo.agency a, generate_series(1, 12) m;
CREATE TABLE bench_dpo.q_page (i bigint, agency text, t0 timestamptz, t1 timestamptz, at timestamptz, id uuid);
SQL
P="$BENCH_RUN_DIR/dpo-paths"; mkdir -p "$P"
psql -At "$URI" -c "SELECT '/api/v1/audit/events?childId=' || child_id FROM bench_dpo.q_child ORDER BY i" >"$P/by-child"
psql -At "$URI" -c "SELECT '/api/v1/audit/children/' || child_id || '/disclosures' FROM bench_dpo.q_child ORDER BY i" >"$P/disclosures"
psql -At "$URI" -c "SELECT format('/api/v1/audit/events?agency=%s&from=%s&to=%s', agency, to_char(t0 AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    to_char(t1 AT TIME ZONE 'UTC', 'YYYY-MM-DD')) FROM bench_dpo.q_agency ORDER BY i" >"$P/by-agency"
first=$(get "$(head -n1 "$P/by-child")")
[[ "$(tail -n1 <<<"$first")" == 200 ]] || { say "the DPO search answered: $(head -c 600 <<<"$first")"; exit 1; }
(( $(grep -o '"seq"' <<<"$first" | wc -l) > 0 )) || { say "the first search found nothing: $(head -c 600 <<<"$first")"; exit 1; }

# Keyset pages 2-6 of the DPO's own agency, per month, walked through the gateway; each cursor decoded
# (base64url of v1|instant|id) for pgbench.
b64url_decode() { local s; s=$(tr '_-' '/+' <<<"$1"); while (( ${#s} % 4 )); do s="$s="; done; base64 -d <<<"$s"; }
: >"$P/paging"; n=0
while IFS='|' read -r agency t0 t1; do
  from=${t0%% *}; to=${t1%% *}
  base="/api/v1/audit/events?agency=$agency&from=$from&to=$to"
  cursor=""
  for page in 1 2 3 4 5; do
    answer=$(get "$base${cursor:+&cursor=$cursor}")
    [[ "$(tail -n1 <<<"$answer")" == 200 ]] || { say "page $page of $base answered: $(head -c 400 <<<"$answer")"; exit 1; }
    cursor=$(sed -n 's/.*"nextCursor" *: *"\([A-Za-z0-9_-]*\)".*/\1/p' <<<"$answer" | head -n1)
    [[ -n "$cursor" ]] || break
    IFS='|' read -r _ at id < <(b64url_decode "$cursor"; echo) || true
    [[ -n "$id" ]] || { say "cursor $cursor did not decode"; exit 1; }
    n=$((n + 1))
    echo "$base&cursor=$cursor" >>"$P/paging"
    psql -q -At "$URI" -c "INSERT INTO bench_dpo.q_page VALUES ($n, '$agency', '$t0', '$t1', '$at', '$id')"
  done
done < <(psql -At "$URI" -c "SELECT agency, t0 AT TIME ZONE 'UTC', t1 AT TIME ZONE 'UTC' FROM bench_dpo.q_agency WHERE agency = '$DPO_AGENCY' ORDER BY t0")
(( n > 0 )) || { say "no month of the DPO's agency had a second page"; exit 1; }
say "parameter lists: $(wc -l <"$P/by-child") children, $(wc -l <"$P/by-agency") agency-months, $n keyset pages"

wrk_paths() {
  BENCH_TOKEN="$TOKEN" BENCH_PATHS="$P/$1" wrk -t2 -c"$CLIENTS" -d"${2}s" --timeout 10s --latency \
    -s "$BENCH_ROOT/bench/wrk/paths.lua" "$GW_URL" | sed -n 's/^BENCH_RESULT //p'
}
# pgbench_run SCRIPT LIST_TABLE SECONDS -> "tps p50_ms p99_ms transactions"
pgbench_run() {
  local dir="$BENCH_RUN_DIR/pgbench.$RANDOM" out tps rows
  rows=$(psql -At "$URI" -c "SELECT count(*) FROM bench_dpo.$2")
  mkdir -p "$dir"
  out=$(cd "$dir" && pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$3" -D dpo="$DPO_AGENCY" -D n="$rows" -l \
      -f "$BENCH_ROOT/bench/dpo/$1.pgbench" "$URI" 2>&1) || { say "pgbench failed: $out"; return 1; }
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | head -n1)
  cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v tps="$tps" '
    { v[NR] = $1 } END { if (NR == 0) { print "0 0 0 0"; exit }
      p50 = v[int(NR * 0.50 + 0.5) > 0 ? int(NR * 0.50 + 0.5) : 1]; p99 = v[int(NR * 0.99 + 0.5)];
      printf "%s %.3f %.3f %d\n", tps, p50 / 1000, p99 / 1000, NR }'
  rm -rf "$dir"
}

declare -A LIST=([by-child]=q_child [by-agency]=q_agency [paging]=q_page [disclosures]=q_child)
declare -A LABEL=([by-child]="by child" [by-agency]="by agency and month" [paging]="keyset pages 2-6" [disclosures]="disclosure report")
KINDS=(by-child by-agency paging disclosures)
declare -A GW_P99 GW_P50 GW_RPS GW_N PG_P99 PG_P50 PG_TPS
say "warm-up: ${WARM} s of each search, gateway and pgbench"
for k in "${KINDS[@]}"; do wrk_paths "$k" "$WARM" >/dev/null; pgbench_run "$k" "${LIST[$k]}" "$WARM" >/dev/null; done
for i in $(seq 1 "$RUNS"); do
  for k in "${KINDS[@]}"; do
    line=$(wrk_paths "$k" "$LOAD")
    [[ -n "$line" ]] || { say "wrk gave no result"; exit 1; }
    bad=$(( $(json_field "$line" non2xx) + $(json_field "$line" errors) ))
    (( bad == 0 )) || note "${LABEL[$k]}, gateway run $i: $bad requests were errors or not 2xx; that run's figures are suspect."
    GW_P99[$k]+="${GW_P99[$k]:+,}$(json_field "$line" p99_ms)"; GW_P50[$k]+="${GW_P50[$k]:+,}$(json_field "$line" p50_ms)"
    GW_RPS[$k]+="${GW_RPS[$k]:+,}$(json_field "$line" rps)"; GW_N[$k]+="${GW_N[$k]:+,}$(json_field "$line" requests)"
    read -r tps p50 p99 count < <(pgbench_run "$k" "${LIST[$k]}" "$LOAD")
    PG_P99[$k]+="${PG_P99[$k]:+,}$p99"; PG_P50[$k]+="${PG_P50[$k]:+,}$p50"; PG_TPS[$k]+="${PG_TPS[$k]:+,}$tps"
    say "run $i ${LABEL[$k]}: gateway $line; pgbench $tps tps p50 $p50 ms p99 $p99 ms ($count)"
  done
done

# EXPLAIN ANALYZE of each statement at its heaviest parameters (kept in the run's logs): the largest
# child (another agency's: the scope filter keeps about 2% of its events), the DPO's own largest child,
# another agency's busiest month.
EXPLAIN_LOG="$BENCH_RUN_DIR/logs/dpo-explain.txt"
# A script's own statements, one a line: not its comments, variables or parameter look-up.
statements() { grep -v -e '^--' -e '^\\' -e 'gset$' "$1"; }
explain() { # SCRIPT VAR=VALUE... : the script's last statement(s) with the variables as literals
  local script="$BENCH_ROOT/bench/dpo/$1.pgbench" sql kv; shift
  sql=$(statements "$script")
  for kv in "dpo=$DPO_AGENCY" "$@"; do sql=${sql//:${kv%%=*}::/"'${kv#*=}'::"}; sql=${sql//:${kv%%=*}/"'${kv#*=}'"}; done
  while IFS= read -r s; do [[ -n "$s" ]] && psql -X -At "$URI" -c "EXPLAIN (ANALYZE, BUFFERS) $s"; done <<<"$sql"
}
# The same statement's generic plan (the one a prepared statement switches to after five executions),
# with the values bound as parameters: VAR:TYPE=VALUE..., numbered in order after the DPO's agency.
generic() {
  local script="$BENCH_ROOT/bench/dpo/$1.pgbench" sql kv n=1 types="text" values="'$DPO_AGENCY'"; shift
  sql=$(statements "$script" | tail -n1); sql=${sql%;}
  sql=${sql//:dpo/\$1}
  for kv in "$@"; do
    n=$((n + 1)); local name=${kv%%:*} rest=${kv#*:}
    sql=${sql//:$name/\$$n}; types+=", ${rest%%=*}"; values+=", '${rest#*=}'"
  done
  psql -X -At "$URI" <<SQL
SET plan_cache_mode = force_generic_plan;
PREPARE generic_q ($types) AS $sql;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE generic_q ($values);
SQL
}
{
  big=$(psql -At "$URI" -c "SELECT child_id FROM bench_dpo.child WHERE r = 1")
  own=$(psql -At "$URI" -c "SELECT child_id FROM bench_dpo.child WHERE r = 50")
  read -r ag t0 t1 < <(psql -At -F' ' "$URI" -c "SELECT agency, t0, t1 FROM bench_dpo.q_agency WHERE agency <> '$DPO_AGENCY' ORDER BY t0 DESC, agency LIMIT 1" | sed 's/ \([0-9:.]*\)+00/T\1Z/g')
  read -r pag pt0 pt1 pat pid < <(psql -At -F' ' "$URI" -c "SELECT agency, t0, t1, at, id FROM bench_dpo.q_page ORDER BY i DESC LIMIT 1" | sed 's/ \([0-9:.]*\)+00/T\1Z/g')
  echo "== by child, the largest child (rank 1, another agency's)"; explain by-child "child_id=$big"
  echo "== by child, the DPO agency's largest child (rank 50)"; explain by-child "child_id=$own"
  echo "== by agency and month: $ag"; explain by-agency "agency=$ag" "t0=$t0" "t1=$t1"
  echo "== keyset page (the last walked)"; explain paging "agency=$pag" "t0=$pt0" "t1=$pt1" "at=$pat" "id=$pid"
  echo "== keyset page (the last walked), generic plan"; generic paging "agency:text=$pag" "t0:timestamptz=$pt0" "t1:timestamptz=$pt1" "at:timestamptz=$pat" "id:uuid=$pid"
  echo "== by agency and month: $ag, generic plan"; generic by-agency "agency:text=$ag" "t0:timestamptz=$t0" "t1:timestamptz=$t1"
  echo "== by child, the DPO agency's largest child, generic plan"; generic by-child "child_id:uuid=$own"
  echo "== disclosure report, the largest child"; explain disclosures "child_id=$big"
  echo "== disclosure report, the DPO agency's largest child"; explain disclosures "child_id=$own"
} >"$EXPLAIN_LOG" 2>&1 || say "EXPLAIN failed (see $EXPLAIN_LOG)"
say "EXPLAIN ANALYZE of the heaviest parameters: $EXPLAIN_LOG"

B="pgbench, the gateway's statement(s), same parameters"
for k in "${KINDS[@]}"; do
  figure "${LABEL[$k]} p99" ms "${GW_P99[$k]}" --baseline "$B" --baseline-runs "${PG_P99[$k]}" \
    --target "p99 <= 200 ms (issue 25)" --target-op '<=' --target-value 200
  figure "${LABEL[$k]} p50" ms "${GW_P50[$k]}" --baseline "$B" --baseline-runs "${PG_P50[$k]}"
  figure "${LABEL[$k]} throughput, ${CLIENTS} clients" "req/s" "${GW_RPS[$k]}" --better higher --baseline "$B" \
    --baseline-runs "${PG_TPS[$k]}"
done
note "Data: ${loaded} audit events and ${chained} chain rows loaded by SQL in ${LOAD_S} s (database ${DB_SIZE}), one year of recorded_at, 50 agencies, ${CHILDREN} children; events per child ${DIST}. Per child, 60% are disclosures (PERMIT reads with categories, data_owners = the child's home agency), 20% writes by the home agency, 10% refusals, 10% reads without categories; the acting agency of the others is uniform over the 50 (a hash of child and event number). The DPO's agency is home to every 50th child and acts in about 2% of all events. Chain rows link structurally from the genesis hash (the checkpointer signs them) but their hashes are sha256(seq), not of the events: the scheduled verifier would report every entry, and the anomaly detector's cursor is set past them as in a trail it had already read.$([[ -n "$RESTART_MS" ]] && echo " The gateway was restarted on the loaded database: ready in $(ms_to_s "$RESTART_MS") s.") Requests per gateway run: ${GW_N[by-child]} (by child), ${GW_N[by-agency]} (by agency), ${GW_N[paging]} (pages), ${GW_N[disclosures]} (reports). wrk, pgbench, the gateway and PostgreSQL share the machine's $(nproc) cores (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)).${SCALE}"
gateway_stop
