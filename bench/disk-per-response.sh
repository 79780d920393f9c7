#!/usr/bin/env bash
# Disk per stored QuestionnaireResponse on PostgreSQL (issue 19, "Write path"). Starts the service against a fresh
# database as bench/qr-create.sh does, warms it up with the same wrk load (backend client, conditional create of
# completed demo-PROM responses, every request audited), then measures pg_total_relation_size (heap, TOAST and
# indexes) of every table a create writes before and after DURATION seconds of load, and prints the growth per
# response stored in between. Each response brings its four score Observations and one audit row (with one
# audit_event_patient row), so the total is what one answer costs on disk. A partitioned table (audit_event, V19)
# counts with all its partitions.
#
#   PORT=8193 BENCH_DB=vointi_bench_writepath bench/disk-per-response.sh
#   JAR=/tmp/old.jar DURATION=60 bench/disk-per-response.sh      # an older build, for comparison
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-32}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
PORT=${PORT:-8090}
# health answers on the management port only (docs/operations.md), as in qr-create.sh
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
DB=${BENCH_DB:-vointi_bench}
PGHOST=${PGHOST:-127.0.0.1}
JAR=${JAR:-service/target/vointi-service.jar}
command -v wrk > /dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }

psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
[ -f "$JAR" ] || ./mvnw -q -DskipTests package
mkdir -p target
TOKEN=$(java -cp "$JAR" bench/BenchToken.java target/bench-jwks.json "system/QuestionnaireResponse.c")
export TOKEN
export VOINTI_FEEDBACK_PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
export VOINTI_FHIR_BASE_URL="http://127.0.0.1:$PORT/fhir"
# production start needs these keys (docs/adaptive.md, subscriptions): throw-away ones per run, as in qr-create.sh
export VOINTI_ADAPTIVE_STATE_KEY="${VOINTI_ADAPTIVE_STATE_KEY:-$(head -c 32 /dev/urandom | base64)}"
export VOINTI_SUBSCRIPTIONS_HEADER_KEY="${VOINTI_SUBSCRIPTIONS_HEADER_KEY:-$(head -c 32 /dev/urandom | base64)}"
MICRONAUT_CONFIG_FILES=bench/application-bench.yml MICRONAUT_ENVIRONMENTS=postgres VOINTI_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" VOINTI_DB_USER=postgres \
  VOINTI_PORT="$PORT" java ${SERVER_JAVA_OPTS:-} -jar "$JAR" > target/bench-disk-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$VOINTI_MANAGEMENT_PORT/health" > /dev/null && break
  sleep 1
done
URL="http://127.0.0.1:$PORT/fhir/QuestionnaireResponse"

TABLES="'questionnaire_response', 'questionnaire_response_history', 'observation', 'observation_history', 'audit_event', 'audit_event_patient'"
snapshot() {
  PGOPTIONS="-c client_min_messages=warning" psql -h "$PGHOST" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -q -c "CHECKPOINT" -c "CREATE TABLE IF NOT EXISTS bench_size (
      taken VARCHAR(8), name VARCHAR(64), responses BIGINT, total_bytes BIGINT, index_bytes BIGINT)" \
    -c "INSERT INTO bench_size SELECT '$1', t, (SELECT COUNT(*) FROM questionnaire_response),
          SUM(pg_total_relation_size(COALESCE(p.relid, t::regclass))), SUM(pg_indexes_size(COALESCE(p.relid, t::regclass)))
        FROM unnest(ARRAY[$TABLES]) AS t LEFT JOIN LATERAL pg_partition_tree(t::regclass) AS p ON true GROUP BY t"
}

echo "warm-up ${WARMUP}s (also fills the first pages of every table and index):"
wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" -s bench/qr-create.lua "$URL" | tail -2
sleep 2 # the audit writer's last group commit
snapshot before
echo "measured ${DURATION}s, $CLIENTS connections:"
wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s bench/qr-create.lua "$URL" | tail -2
sleep 2
snapshot after
psql -h "$PGHOST" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -P footer=off -c "
  WITH b AS (SELECT * FROM bench_size WHERE taken = 'before'), a AS (SELECT * FROM bench_size WHERE taken = 'after'),
  d AS (SELECT a.name, a.responses - b.responses AS responses, a.total_bytes - b.total_bytes AS bytes,
               a.index_bytes - b.index_bytes AS index_bytes FROM a JOIN b ON a.name = b.name)
  SELECT name AS \"table\", responses AS \"responses added\", bytes AS \"bytes added\",
         round(bytes::numeric / responses) AS \"bytes per response\",
         round(index_bytes::numeric / responses) AS \"of which indexes\" FROM d
  UNION ALL SELECT 'all', MAX(responses), SUM(bytes), round(SUM(bytes)::numeric / MAX(responses)),
         round(SUM(index_bytes)::numeric / MAX(responses)) FROM d"
