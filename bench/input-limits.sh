#!/usr/bin/env bash
# Input limits (issue #13): how long the hostile numbers of the issue take to be answered by
# POST /fhir/Questionnaire/$next-question (no login), each REPEAT times, and what the JSON pre-scan costs per
# ordinary body (bench/JsonScanBench.java). Starts the jar on an in-memory H2 database on PORT.
#
#   bench/input-limits.sh                                   # the jar of this checkout
#   JAR=/tmp/vointi-before.jar NUMBERS=1e1000000 REPEAT=1 TIMEOUT=300 bench/input-limits.sh   # an older build
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8092}
# health and metrics answer on the management port only (docs/operations.md)
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
JAR=${JAR:-service/target/vointi-service.jar}
REPEAT=${REPEAT:-5}
TIMEOUT=${TIMEOUT:-120}
NUMBERS=${NUMBERS:-1e1000000 1e3000000 1e999999999 12345678901234567890123456789012345678901 1e100}

[ -f "$JAR" ] || ./mvnw -q -DskipTests package
mkdir -p target
DATASOURCES_DEFAULT_URL="jdbc:h2:mem:bench-limits;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1" \
  VOINTI_PORT="$PORT" java ${SERVER_JAVA_OPTS:-} -jar "$JAR" > target/bench-limits-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$VOINTI_MANAGEMENT_PORT/health" > /dev/null && break
  sleep 1
done

URL="http://127.0.0.1:$PORT/fhir/Questionnaire/\$next-question"
for number in $NUMBERS; do
  body='{"resourceType":"QuestionnaireResponse","status":"in-progress","item":[{"linkId":"x","answer":[{"valueDecimal":'"$number"'}]}]}'
  for i in $(seq 1 "$REPEAT"); do
    printf '%-45s ' "$number"
    curl -s -o /dev/null -m "$TIMEOUT" -w '%{http_code} %{time_total} s\n' -H 'Content-Type: application/fhir+json' \
      --data-binary "$body" "$URL" || echo "no answer within ${TIMEOUT} s"
  done
done

if unzip -l "$JAR" | grep 'fi/vointi/input/JsonScan.class' > /dev/null; then  # not grep -q: pipefail
  java -cp "$JAR" bench/JsonScanBench.java bench/demo-prom-response.json
fi
