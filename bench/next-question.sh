#!/usr/bin/env bash
# $next-question load benchmark (issue #4): starts the service on an in-memory H2 database (the operation
# stores nothing), records the request bodies of one whole adaptive test on the demo bank, then CLIENTS wrk
# connections replay them (mixing early and late calls) for DURATION seconds after a WARMUP.
#
#   bench/next-question.sh                       # 64 clients, 20 s warm-up, 60 s measured
#   CLIENTS=32 DURATION=30 bench/next-question.sh
#   LANGUAGE=all bench/next-question.sh          # items with every translation
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-64}
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-60}
PORT=${PORT:-8091}
# health and metrics answer on the management port only (docs/operations.md)
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
BANK=${BANK:-https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank|1.1.0}
# The respondent's language (QuestionnaireResponse.language): items come in that language only. "all" sends
# every translation on every call (about three times the bytes).
LANGUAGE=${LANGUAGE:-fi}

# JAR=<another build> compares builds (e.g. before/after) with the same script and bodies
JAR=${JAR:-service/target/vointi-service.jar}
[ -f "$JAR" ] || ./mvnw -q -DskipTests package
mkdir -p target
DATASOURCES_DEFAULT_URL="jdbc:h2:mem:bench;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1" \
  VOINTI_PORT="$PORT" java ${SERVER_JAVA_OPTS:-} -jar "$JAR" > target/bench-nq-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$VOINTI_MANAGEMENT_PORT/health" > /dev/null && break
  sleep 1
done

BODIES=$(java -cp service/target/vointi-service.jar bench/CatSessionBodies.java "http://127.0.0.1:$PORT" "$BANK" target "$LANGUAGE")
export BODIES BODY_DIR=target
echo "replaying $BODIES recorded calls of one test"
URL="http://127.0.0.1:$PORT/fhir/Questionnaire/\$next-question"
echo "warm-up ${WARMUP}s:"
wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" -s bench/next-question.lua "$URL" | tail -2
echo "measured ${DURATION}s, $CLIENTS connections:"
# the server's CPU time per call (utime + stime of its process): steadier than throughput on a shared machine
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
CPU_BEFORE=$(cpu)
RESULT=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s bench/next-question.lua "$URL" | tail -2)
CPU_AFTER=$(cpu)
echo "$RESULT"
REQUESTS=$(echo "$RESULT" | sed -n 's/.*requests=\([0-9]*\).*/\1/p' | head -1)
echo "server CPU per call: $(awk -v t="$(getconf CLK_TCK)" -v c="$((CPU_AFTER - CPU_BEFORE))" -v n="$REQUESTS" 'BEGIN { printf "%.3f ms", c * 1000 / t / n }')"
