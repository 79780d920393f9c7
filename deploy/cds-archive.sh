#!/usr/bin/env sh
# Writes the JVM's class-data archive of the service (docs/operations.md, "Faster start-up"): a training run starts
# the service on an in-memory database, answers three requests of its own and stops (fi.vointi.ops.TrainingRun).
# - JDK 25 and later: the AOT cache (JEP 483/514/515) — classes loaded and linked, plus the training run's method
#   profiles; start with -XX:AOTCache=<archive>.
# - JDK 17 to 24: AppCDS — -XX:ArchiveClassesAtExit writes every class loaded; start with -XX:SharedArchiveFile=<archive>.
# The archive fits only the JVM build that wrote it and the jar at the same path with the same size and time: make it
# where it is used (the image build does), and again after either changes (a stale one is ignored, never harmful).
# Prints the flag that uses it on its last line.
#   deploy/cds-archive.sh service/target/vointi-service.jar target/vointi.jsa
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java deploy/cds-archive.sh service/target/vointi-service.jar target/vointi.aot
set -eu
JAR=$(realpath "${1:?jar}")
ARCHIVE=$(realpath -m "${2:?archive}")
JAVA=${JAVA:-java}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# the JVM's feature version, e.g. 17 or 25 ("java.specification.version = 25")
FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
if [ "${FEATURE:-0}" -ge 25 ]; then
  WRITE="-XX:AOTCacheOutput=$ARCHIVE -Xlog:aot=warning"
  USE="-XX:AOTCache=$ARCHIVE"
else
  WRITE="-XX:ArchiveClassesAtExit=$ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=info"
  USE="-XX:SharedArchiveFile=$ARCHIVE"
fi
# shellcheck disable=SC2086 # WRITE holds several flags
DATASOURCES_DEFAULT_URL="jdbc:h2:mem:training;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" \
VOINTI_STARTUP_TRAINING_RUN=true VOINTI_PORT=${PORT:--1} VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:--1} \
  "$JAVA" $WRITE -jar "$JAR" > training.log 2>&1 \
  || { cat training.log >&2; exit 1; }
grep -q "Training run done" training.log || { cat training.log >&2; exit 1; }
[ -s "$ARCHIVE" ] || { cat training.log >&2; echo "no archive written: $ARCHIVE" >&2; exit 1; }
echo "class-data archive (JDK $FEATURE): $ARCHIVE ($(wc -c < "$ARCHIVE") bytes)"
echo "$USE"
