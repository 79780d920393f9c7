#!/usr/bin/env bash
# Start-up time and jar size (issue 19): from `java -jar` to the first 200 on /fhir/metadata, on the embedded H2
# default with the demo content. Two runs on one data folder: the first on an empty database (migrations, demo
# organisations, every questionnaire validated), then RUNS restarts on the same folder (the usual case: nothing
# changed, nothing to validate). Usage: bench/startup.sh [RUNS] (default 5); needs service/target/vointi-service.jar.
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/startup.sh     # another JVM
#   JAVA_OPTS="-XX:SharedArchiveFile=target/vointi.jsa" bench/startup.sh  # with a class-data archive (deploy/cds-archive.sh)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="-XX:AOTCache=target/vointi.aot" bench/startup.sh  # the image's way
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-service/target/vointi-service.jar}
JAVA=${JAVA:-java}
RUNS=${1:-5}
PORT=${PORT:-8095}
# the management port (health, metrics; docs/operations.md) must not collide with another run's
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
[ -f "$JAR" ] || { echo "build first: ./mvnw -q -DskipTests package" >&2; exit 1; }
JAR_ABS=$(realpath "$JAR")
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PID=

one_start() {
  local log="$WORK/run-$1.log" start end
  start=$(date +%s%N)
  (cd "$WORK" && VOINTI_PORT=$PORT exec "$JAVA" ${JAVA_OPTS:-} -jar "$JAR_ABS") > "$log" 2>&1 &
  PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/fhir/metadata"; do
    kill -0 "$PID" 2>/dev/null || { echo "the service stopped; see $log" >&2; cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  # CPU the JVM used until then (user + system, all its threads): the work itself, which other load does not change
  # the way it changes the wall time
  read -r utime stime < <(awk '{print $14, $15}' "/proc/$PID/stat")
  echo "$(( (utime + stime) * 1000 / $(getconf CLK_TCK) ))" > "$WORK/cpu-$1"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  echo "$(( (end - start) / 1000000 ))"
}

printf 'jar: %s MiB (%s bytes)\n' "$(( $(stat -c %s "$JAR") / 1048576 ))" "$(stat -c %s "$JAR")"
printf 'first start, empty database: %s ms\n' "$(one_start first)"
grep -h "Questionnaire catalog" "$WORK/run-first.log" | sed 's/^.*QuestionnaireCatalog - /  /'
load=$(cut -d' ' -f1 /proc/loadavg)
times=()
cpus=()
for i in $(seq 1 "$RUNS"); do times+=("$(one_start "$i")"); cpus+=("$(cat "$WORK/cpu-$i")"); done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "restarts (ms, sorted): $(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')"
echo "restart median: $(median "${times[@]}") ms (CPU time median $(median "${cpus[@]}") ms; 1-minute load before the restarts: $load)"
grep -h "Questionnaire catalog" "$WORK/run-1.log" | sed 's/^.*QuestionnaireCatalog - /  /'
