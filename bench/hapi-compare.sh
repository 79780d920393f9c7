#!/usr/bin/env bash
# QuestionnaireResponse create rate, Vointi against the HAPI FHIR JPA server starter (issue 19, "Write path"), on the
# same PostgreSQL, in interleaved rounds. Each round runs both sides one after the other (HAPI first in odd rounds,
# Vointi first in even ones, so a drift of the machine's load favours neither):
#   HAPI:   the starter's jar (HAPI_JAR, built separately) on a fresh database, configured here on the command line:
#           PostgreSQL, HapiFhirPostgresDialect, no validation (the starter's default), referential integrity on write
#           off (the body's subject Patient/<id> does not exist; with the default every create is a 400), the
#           starter's defaults otherwise. wrk POSTs bench/demo-prom-response.json with If-None-Exist on the
#           identifier (bench/qr-create.lua without a token), WARMUP then DURATION seconds. pg_total_relation_size of every
#           table of its database is taken before and after the measured phase: disk per stored response.
#   Vointi: bench/qr-create.sh (fresh database, backend-client JWT, full validation, audited, 4 score Observations).
#
#   HAPI_JAR=/path/to/ROOT.war bench/hapi-compare.sh                     # 3 rounds, 32 connections, 20 s + 30 s
#   HAPI_JAR=... ROUNDS=5 DURATION=60 bench/hapi-compare.sh
# Disk per response on Vointi's side: bench/disk-per-response.sh (it counts the tables a create writes).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${HAPI_JAR:?HAPI_JAR must name the HAPI FHIR JPA starter jar/war}"
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-32}
export WARMUP=${WARMUP:-20}
export DURATION=${DURATION:-30}
HAPI_PORT=${HAPI_PORT:-8280}
HAPI_DB=${HAPI_DB:-hapi_bench}
VOINTI_PORT=${VOINTI_PORT:-8090}
VOINTI_DB=${VOINTI_DB:-vointi_bench_hapicmp}
PGHOST=${PGHOST:-127.0.0.1}
command -v wrk > /dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
mkdir -p target
OUT=${OUT:-target/hapi-compare}   # logs of each side and round
mkdir -p "$OUT"

HAPI_PID=
stop_hapi() {
  if [ -n "$HAPI_PID" ]; then
    kill "$HAPI_PID" 2>/dev/null || true
    wait "$HAPI_PID" 2>/dev/null || true
    HAPI_PID=
  fi
}
trap stop_hapi EXIT

sql() { PGOPTIONS="-c client_min_messages=warning" psql -h "$PGHOST" -U postgres -d "$HAPI_DB" -v ON_ERROR_STOP=1 -qtA "$@"; }

# Every table of HAPI's database (heap, TOAST, indexes) and the stored responses, as one snapshot row per table.
hapi_snapshot() {
  sql -c "CHECKPOINT" -c "CREATE TABLE IF NOT EXISTS bench_size (taken VARCHAR(8), name VARCHAR(64), responses BIGINT,
      total_bytes BIGINT, index_bytes BIGINT)" \
    -c "INSERT INTO bench_size SELECT '$1', c.relname,
          (SELECT COUNT(*) FROM hfj_resource WHERE res_type = 'QuestionnaireResponse'),
          pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'bench_size'"
}

# Runs HAPI once; prints its log of wrk and disk to $OUT/hapi-<round>.txt and the measured req/s on stdout.
run_hapi() {
  local round=$1 log=$OUT/hapi-$1.txt url="http://127.0.0.1:$HAPI_PORT/fhir"
  psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $HAPI_DB" -c "CREATE DATABASE $HAPI_DB"
  java ${HAPI_JAVA_OPTS:-} -jar "$HAPI_JAR" \
    --server.port="$HAPI_PORT" --server.address=127.0.0.1 \
    --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$HAPI_DB" \
    --spring.datasource.username=postgres --spring.datasource.password= \
    --spring.datasource.driver-class-name=org.postgresql.Driver \
    --spring.jpa.properties.hibernate.dialect=ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect \
    --hapi.fhir.enforce_referential_integrity_on_write=false \
    --hapi.fhir.tester.home.server_address="$url" \
    > "$OUT/hapi-server-$round.log" 2>&1 &
  HAPI_PID=$!
  local up=
  for _ in $(seq 1 600); do
    curl -sf "$url/metadata" > /dev/null && { up=1; break; }
    kill -0 "$HAPI_PID" 2>/dev/null || break
    sleep 1
  done
  [ -n "$up" ] || { echo "HAPI did not start, see $OUT/hapi-server-$round.log" >&2; exit 1; }
  # One create before the load: on a fresh database HAPI's first creates of a resource type each insert its
  # HFJ_RESOURCE_TYPE row on a second pooled connection, and 32 of them at once starve the pool of 10 for its 30 s
  # timeout (the whole warm-up). A server in use has the row; this write stores it.
  sed 's/{{ID}}/prime/g' bench/demo-prom-response.json | curl -sf -o /dev/null -X POST \
    -H 'Content-Type: application/fhir+json' --data-binary @- "$url/QuestionnaireResponse" \
    || { echo "HAPI refused the first create, see $OUT/hapi-server-$round.log" >&2; exit 1; }
  {
    echo "load average before the warm-up: $(uptime | sed 's/.*load average: //')"
    echo "warm-up ${WARMUP}s:"
    TOKEN= ID_PREFIX=h wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" -s bench/qr-create.lua "$url/QuestionnaireResponse" | tail -2
    hapi_snapshot before
    echo "measured ${DURATION}s, $CLIENTS connections:"
    TOKEN= ID_PREFIX=h wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s bench/qr-create.lua "$url/QuestionnaireResponse" | tail -2
    hapi_snapshot after
    echo "HAPI tables that grew during the measured phase:"
    psql -h "$PGHOST" -U postgres -d "$HAPI_DB" -v ON_ERROR_STOP=1 -P footer=off -c "
      WITH b AS (SELECT * FROM bench_size WHERE taken = 'before'), a AS (SELECT * FROM bench_size WHERE taken = 'after'),
      d AS (SELECT a.name, a.responses - b.responses AS responses, a.total_bytes - b.total_bytes AS bytes,
                   a.index_bytes - b.index_bytes AS index_bytes FROM a JOIN b ON a.name = b.name)
      SELECT * FROM (SELECT name AS \"table\", responses AS \"responses added\", bytes AS \"bytes added\",
             round(bytes::numeric / responses) AS \"bytes per response\",
             round(index_bytes::numeric / responses) AS \"of which indexes\" FROM d WHERE bytes <> 0
             ORDER BY bytes DESC) t
      UNION ALL SELECT 'all', MAX(responses), SUM(bytes), round(SUM(bytes)::numeric / MAX(responses)),
             round(SUM(index_bytes)::numeric / MAX(responses)) FROM d"
  } > "$log" 2>&1
  stop_hapi
  awk '/^measured/ { m = 1 } m && /throughput=/ { sub(/.*throughput=/, ""); print $1; exit }' "$log"
}

# Runs Vointi once with bench/qr-create.sh; prints the measured req/s on stdout.
run_vointi() {
  local round=$1 log=$OUT/vointi-$1.txt
  echo "load average before the start: $(uptime | sed 's/.*load average: //')" > "$log"
  CLIENT=wrk CLIENTS="$CLIENTS" PORT="$VOINTI_PORT" BENCH_DB="$VOINTI_DB" bench/qr-create.sh >> "$log" 2>&1
  # qr-create.sh kills its server on exit without waiting: let it go before HAPI starts on the same cores
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$VOINTI_PORT/" || break
    sleep 1
  done
  awk '/^measured/ { m = 1 } m && /throughput=/ { sub(/.*throughput=/, ""); print $1; exit }' "$log"
}

declare -a H V L
for r in $(seq 1 "$ROUNDS"); do
  L[$r]=$(uptime | sed 's/.*load average: //')
  echo "round $r, $(date -u +%H:%M:%S) UTC, load average before: ${L[$r]}"
  if [ $((r % 2)) -eq 1 ]; then
    H[$r]=$(run_hapi "$r"); V[$r]=$(run_vointi "$r")
  else
    V[$r]=$(run_vointi "$r"); H[$r]=$(run_hapi "$r")
  fi
  echo "  HAPI ${H[$r]} req/s, Vointi ${V[$r]} req/s (logs: $OUT/hapi-$r.txt, $OUT/vointi-$r.txt)"
done

echo
echo "| round | load average before (1, 5, 15 min) | HAPI JPA starter | Vointi | Vointi / HAPI |"
echo "|---|---|---|---|---|"
ratios=()
for r in $(seq 1 "$ROUNDS"); do
  ratio=$(awk -v v="${V[$r]}" -v h="${H[$r]}" 'BEGIN { printf "%.2f", v / h }')
  ratios+=("$ratio")
  echo "| $r | ${L[$r]} | ${H[$r]} /s | ${V[$r]} /s | ×$ratio |"
done
echo "median ratio: ×$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
echo
echo "HAPI disk per stored response (measured phase of the last round):"
sed -n '/^HAPI tables that grew/,$p' "$OUT/hapi-$ROUNDS.txt"

if [ -z "${KEEP_DB:-}" ]; then
  psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $HAPI_DB" -c "DROP DATABASE IF EXISTS $VOINTI_DB"
fi
