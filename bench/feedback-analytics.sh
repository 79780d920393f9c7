#!/usr/bin/env bash
# Feedback analytics benchmark on PostgreSQL (issue #6): loads RESPONSES feedback responses (default 10 million,
# 500 units, 3 years) into a fresh database, starts the service on it and times the analytics API.
#
#   bench/feedback-analytics.sh                 # load + time
#   SKIP_LOAD=1 bench/feedback-analytics.sh     # time again on the loaded database
#   RESPONSES=1000000 bench/feedback-analytics.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RESPONSES=${RESPONSES:-10000000}
PORT=${PORT:-8091}
# health and metrics answer on the management port only (docs/operations.md)
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
DB=${BENCH_DB:-vointi_analytics_bench}
PGHOST=${PGHOST:-127.0.0.1}
AREA=${AREA:-bench-area-01}
WARMUP=${WARMUP:-300}
REPETITIONS=${REPETITIONS:-20}

[ -f service/target/vointi-service.jar ] || ./mvnw -q -DskipTests package
mkdir -p target
if [ -z "${SKIP_LOAD:-}" ]; then
  psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fi
TOKEN=$(java -cp service/target/vointi-service.jar bench/BenchToken.java target/bench-jwks.json "system/MeasureReport.rs")
MICRONAUT_CONFIG_FILES=bench/application-bench.yml MICRONAUT_ENVIRONMENTS=postgres VOINTI_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" \
  VOINTI_DB_USER=postgres VOINTI_PORT="$PORT" VOINTI_FEEDBACK_PUBLIC_BASE_URL="http://127.0.0.1:$PORT" VOINTI_FHIR_BASE_URL="http://127.0.0.1:$PORT/fhir" VOINTI_ADAPTIVE_STATE_KEY="$(head -c 32 /dev/urandom | base64)" VOINTI_SUBSCRIPTIONS_HEADER_KEY="$(head -c 32 /dev/urandom | base64)" java ${SERVER_JAVA_OPTS:-} -jar service/target/vointi-service.jar \
  > target/bench-analytics-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$VOINTI_MANAGEMENT_PORT/health" > /dev/null && break
  sleep 1
done
if [ -z "${SKIP_LOAD:-}" ]; then
  # the server has migrated the empty database; load the data beside it
  start=$(date +%s)
  psql -h "$PGHOST" -U postgres -d "$DB" -v responses="$RESPONSES" -f bench/feedback-analytics-load.sql
  echo "load: $(( $(date +%s) - start )) s"
fi
java bench/AnalyticsBench.java "http://127.0.0.1:$PORT" "$TOKEN" "$AREA" 2025 "$WARMUP" "$REPETITIONS"
