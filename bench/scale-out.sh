#!/usr/bin/env bash
# Scale-out benchmark (issue 18, item 4): one or two service instances on ONE PostgreSQL database behind HAProxy
# (Debian's package: apt-get install haproxy wrk), the same load through the balancer in both cases:
#   - QR create: backend client posting completed demo-PROM responses (bench/qr-create.lua, as bench/qr-create.sh)
#   - $next-question: the recorded calls of one adaptive test (bench/next-question.lua, as bench/next-question.sh)
# Prints throughput and latency per case, and each process's CPU seconds over the measured window (instances,
# HAProxy, PostgreSQL, wrk) so that a shared machine's figures can be read honestly.
#
#   bench/scale-out.sh                    # INSTANCES="1 2", 32 connections, 15 s warm-up, 30 s measured per case
#   INSTANCES=2 DURATION=60 bench/scale-out.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-32}
WARMUP=${WARMUP:-15}
DURATION=${DURATION:-30}
INSTANCES=${INSTANCES:-"1 2"}
LB_PORT=${LB_PORT:-8280}
BASE_PORT=${BASE_PORT:-8281}
DB=${BENCH_DB:-vointi_bench_scale}
PGHOST=${PGHOST:-127.0.0.1}
JAR=${JAR:-service/target/vointi-service.jar}
BANK=${BANK:-https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank|1.1.0}
command -v haproxy > /dev/null || { echo "needs haproxy (apt-get install haproxy)" >&2; exit 1; }
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
[ -f "$JAR" ] || ./mvnw -q -DskipTests package
mkdir -p target/scale-out
OUT=target/scale-out

TOKEN=$(java -cp "$JAR" bench/BenchToken.java target/bench-jwks.json "system/QuestionnaireResponse.c")
export TOKEN
# one key for every instance: a test's sealed state must open on whichever instance the next call reaches
export VOINTI_ADAPTIVE_STATE_KEY="${VOINTI_ADAPTIVE_STATE_KEY:-$(head -c 32 /dev/urandom | base64)}"
export VOINTI_SUBSCRIPTIONS_HEADER_KEY="${VOINTI_SUBSCRIPTIONS_HEADER_KEY:-$(head -c 32 /dev/urandom | base64)}"
export VOINTI_FEEDBACK_PUBLIC_BASE_URL="http://127.0.0.1:$LB_PORT"
export VOINTI_FHIR_BASE_URL="http://127.0.0.1:$LB_PORT/fhir"

PIDS=()
HAPROXY=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$HAPROXY" ] && kill "$HAPROXY" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() { # every PostgreSQL process (backends come and go; the sum over the live ones is a lower bound)
  local sum=0 p
  for p in $(pgrep -x postgres || true); do sum=$((sum + $(cpu_of "$p"))); done
  echo "$sum"
}
secs() { awk -v t="$(getconf CLK_TCK)" -v c="$1" 'BEGIN { printf "%.1f", c / t }'; }

start_instances() {
  local n=$1 i port
  psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  PIDS=()
  for i in $(seq 1 "$n"); do
    port=$((BASE_PORT + i - 1))
    MICRONAUT_CONFIG_FILES=bench/application-bench.yml MICRONAUT_ENVIRONMENTS=postgres \
      VOINTI_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" VOINTI_DB_USER=postgres VOINTI_DB_POOL_SIZE=16 \
      VOINTI_PORT="$port" VOINTI_MANAGEMENT_PORT=$((port + 100)) \
      java ${SERVER_JAVA_OPTS:-} -jar "$JAR" > "$OUT/instance-$i.log" 2>&1 &
    PIDS+=($!)
    # one after the other: the first migrates the database, the next finds it done
    for _ in $(seq 1 180); do
      curl -sf "http://127.0.0.1:$((port + 100))/health/readiness" > /dev/null && break
      sleep 1
    done
  done
  {
    echo "global"
    echo "  maxconn 4096"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 5s"
    echo "  timeout client 60s"
    echo "  timeout server 60s"
    echo "frontend vointi"
    echo "  bind 127.0.0.1:$LB_PORT"
    echo "  default_backend instances"
    echo "backend instances"
    echo "  balance roundrobin"
    echo "  http-reuse always"
    for i in $(seq 1 "$n"); do
      echo "  server i$i 127.0.0.1:$((BASE_PORT + i - 1)) check port $((BASE_PORT + i - 1 + 100)) inter 2s"
    done
  } > "$OUT/haproxy.cfg"
  haproxy -f "$OUT/haproxy.cfg" > "$OUT/haproxy.log" 2>&1 &
  HAPROXY=$!
  sleep 1
}

measure() { # name url script
  local name=$1 url=$2 script=$3 before_i=() before_lb before_pg result i line
  wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" -s "$script" "$url" > /dev/null
  for p in "${PIDS[@]}"; do before_i+=("$(cpu_of "$p")"); done
  before_lb=$(cpu_of "$HAPROXY")
  before_pg=$(pg_cpu)
  result=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s "$script" "$url" | tail -2)
  line="$name, $N instance(s): $(echo "$result" | tr "\n" " ")"
  line="$line | CPU s over ${DURATION}s:"
  i=0
  for p in "${PIDS[@]}"; do
    line="$line instance$((i + 1)) $(secs $(( $(cpu_of "$p") - before_i[i] )))"
    i=$((i + 1))
  done
  line="$line haproxy $(secs $(( $(cpu_of "$HAPROXY") - before_lb ))) postgres $(secs $(( $(pg_cpu) - before_pg )))"
  echo "$line" | tee -a "$OUT/results.txt"
}

echo "# $(date -u +%FT%TZ) load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.txt"
for N in $INSTANCES; do
  start_instances "$N"
  measure "QR create" "http://127.0.0.1:$LB_PORT/fhir/QuestionnaireResponse" bench/qr-create.lua
  BODIES=$(java -cp "$JAR" bench/CatSessionBodies.java "http://127.0.0.1:$LB_PORT" "$BANK" target fi)
  export BODIES BODY_DIR=target
  measure "\$next-question" "http://127.0.0.1:$LB_PORT/fhir/Questionnaire/\$next-question" bench/next-question.lua
  cleanup
  PIDS=()
  HAPROXY=
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.txt"
