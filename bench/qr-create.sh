#!/usr/bin/env bash
# QuestionnaireResponse create benchmark on PostgreSQL: starts the service against a fresh database,
# then CLIENTS closed-loop clients POST, as an EHR backend client with a signed JWT (validated against a
# static JWKS, the production code path) and with every request audited, completed demo-PROM responses (full validation against the
# questionnaire, conditional create with If-None-Exist) for DURATION seconds after a WARMUP.
#
#   bench/qr-create.sh                # 32 clients, 20 s warm-up, 60 s measured
#   CLIENTS=64 DURATION=30 bench/qr-create.sh
#   CLIENT=java bench/qr-create.sh    # the JDK client instead of wrk
#   JAR=/tmp/old.jar bench/qr-create.sh   # another build, for a before/after comparison
#   PRELOAD=200000 bench/qr-create.sh      # measure on a table that already holds 200,000 more responses (wrk only)
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-32}
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-60}
PORT=${PORT:-8090}
# health and metrics answer on the management port only (docs/operations.md)
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
DB=${BENCH_DB:-vointi_bench}
PGHOST=${PGHOST:-127.0.0.1}
JAR=${JAR:-service/target/vointi-service.jar}

psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
[ -f "$JAR" ] || ./mvnw -q -DskipTests package
mkdir -p target
# A stand-in identity provider: static JWKS for the server, a backend-client token for the load.
TOKEN=$(java -cp "$JAR" bench/BenchToken.java target/bench-jwks.json "system/QuestionnaireResponse.c")
export TOKEN
# Outside dev mode the public base of feedback links is required (docs/feedback.md).
export VOINTI_FEEDBACK_PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
export VOINTI_FHIR_BASE_URL="http://127.0.0.1:$PORT/fhir"
# production start: the adaptive tests' state key is required (docs/adaptive.md); a throw-away one per run
export VOINTI_ADAPTIVE_STATE_KEY="${VOINTI_ADAPTIVE_STATE_KEY:-$(head -c 32 /dev/urandom | base64)}"
export VOINTI_SUBSCRIPTIONS_HEADER_KEY="${VOINTI_SUBSCRIPTIONS_HEADER_KEY:-$(head -c 32 /dev/urandom | base64)}"
MICRONAUT_CONFIG_FILES=bench/application-bench.yml MICRONAUT_ENVIRONMENTS=postgres VOINTI_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" VOINTI_DB_USER=postgres \
  VOINTI_PORT="$PORT" java ${SERVER_JAVA_OPTS:-} -jar "$JAR" > target/bench-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$VOINTI_MANAGEMENT_PORT/health" > /dev/null && break
  sleep 1
done

URL="http://127.0.0.1:$PORT/fhir/QuestionnaireResponse"
# CPU time (user + system, /proc/<pid>/stat) of the server and of this database's PostgreSQL backends over the
# measured phase, per request: less noisy than the rate on a shared machine.
ticks() { local t=0 pid; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$t"; }
cpu_before() {
  PG_PIDS=$(psql -tA -h "$PGHOST" -U postgres -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DB'")
  SERVER_T0=$(ticks "$SERVER"); PG_T0=$(ticks $PG_PIDS)
}
cpu_after() {
  local hz server pg
  hz=$(getconf CLK_TCK)
  server=$(( $(ticks "$SERVER") - SERVER_T0 )); pg=$(( $(ticks $PG_PIDS) - PG_T0 ))
  [ -n "$1" ] && [ "$1" -gt 0 ] && awk -v s="$server" -v p="$pg" -v n="$1" -v hz="$hz" 'BEGIN {
    printf "cpu per request: server %.2f ms, PostgreSQL backends %.2f ms (%d requests)\n", 1000*s/hz/n, 1000*p/hz/n, n }'
  return 0
}
if command -v wrk > /dev/null && [ "${CLIENT:-wrk}" = wrk ]; then
  # wrk (apt-get install wrk) costs the shared 2 cores far less than a JVM client.
  echo "warm-up ${WARMUP}s:"
  wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" -s bench/qr-create.lua "$URL" | tail -2
  if [ "${PRELOAD:-0}" -gt 0 ]; then
    # A county's database is not empty: copies of a stored response (and its four Observations) as responses of
    # 50,000 patients over the past year, so that every index a create touches has a realistic size.
    echo "preloading $PRELOAD responses:"
    PGOPTIONS="-c client_min_messages=warning" psql -q -h "$PGHOST" -U postgres -d "$DB" -v ON_ERROR_STOP=1 \
      -c "CREATE TEMP TABLE template AS SELECT * FROM questionnaire_response WHERE status = 'completed' ORDER BY id LIMIT 1" \
      -c "INSERT INTO questionnaire_response (id, version_id, questionnaire_url, questionnaire_version, status,
            subject_type, subject_id, authored, identifier_system, identifier_value, unit_ref, last_updated, resource_json,
            shared, closed_to_guardians)
          SELECT 'pre-' || n, 1, questionnaire_url, questionnaire_version, status, subject_type, 'pre-patient-' || (n % 50000),
            authored - (n % 525600) * INTERVAL '1 minute', identifier_system, 'pre-' || n, unit_ref,
            last_updated - (n % 525600) * INTERVAL '1 minute', resource_json, shared, closed_to_guardians
          FROM template, generate_series(1, $PRELOAD) n" \
      -c "INSERT INTO observation (id, version_id, response_id, response_version, score_key, status, code_system, code,
            subject_type, subject_id, effective, last_updated, resource, reporter)
          SELECT 'pre-' || n || '-' || o.score_key, 1, 'pre-' || n, 1, o.score_key, o.status, o.code_system, o.code,
            o.subject_type, 'pre-patient-' || (n % 50000), o.effective - (n % 525600) * INTERVAL '1 minute',
            o.last_updated - (n % 525600) * INTERVAL '1 minute', o.resource, o.reporter
          FROM observation o JOIN template t ON o.response_id = t.id, generate_series(1, $PRELOAD) n" \
      -c "ANALYZE" -c "CHECKPOINT"
    echo "  $(psql -tA -h "$PGHOST" -U postgres -d "$DB" -c 'SELECT COUNT(*) FROM questionnaire_response') responses stored"
    wrk -t2 -c"$CLIENTS" -d10s -s bench/qr-create.lua "$URL" > /dev/null   # the caches again
  fi
  echo "measured ${DURATION}s, $CLIENTS connections:"
  cpu_before
  wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s bench/qr-create.lua "$URL" | tail -2 | tee target/bench-measured.txt
  cpu_after "$(sed -n 's/^requests=\([0-9]*\).*/\1/p' target/bench-measured.txt)"
else
  java bench/LoadClient.java "$URL" bench/demo-prom-response.json \
    "$CLIENTS" "$WARMUP" "$DURATION" "If-None-Exist=identifier=urn:vointi:bench|{{ID}}" "Authorization=Bearer $TOKEN"
fi
echo "rows stored: $(psql -tA -h "$PGHOST" -U postgres -d "$DB" -c 'SELECT COUNT(*) FROM questionnaire_response')"
