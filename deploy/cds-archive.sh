#!/usr/bin/env sh
# Writes the JVM's class-data archive of the service (docs/operations.md, "Faster start-up"): a training run starts
# the service on an in-memory database, answers three requests of its own and stops (fi.vointi.ops.TrainingRun);
# -XX:ArchiveClassesAtExit makes the JVM write every class it loaded to the archive as it exits. Starts with
# -XX:SharedArchiveFile=<archive> then map those classes instead of reading and verifying them from the jar.
# The archive fits only the JVM build that wrote it and the jar at the same path with the same size and time: make it
# where it is used (the image build does), and again after either changes (a stale one is ignored, never harmful).
#   deploy/cds-archive.sh service/target/vointi-service.jar target/vointi.jsa
set -eu
JAR=$(realpath "${1:?jar}")
ARCHIVE=$(realpath -m "${2:?archive}")
JAVA=${JAVA:-java}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
DATASOURCES_DEFAULT_URL="jdbc:h2:mem:training;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" \
VOINTI_STARTUP_TRAINING_RUN=true VOINTI_PORT=${PORT:--1} VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:--1} \
  "$JAVA" -XX:ArchiveClassesAtExit="$ARCHIVE" -Xlog:cds=off -Xlog:cds+dynamic=info -jar "$JAR" > training.log 2>&1 \
  || { cat training.log >&2; exit 1; }
grep -q "Training run done" training.log || { cat training.log >&2; exit 1; }
echo "class-data archive: $ARCHIVE ($(wc -c < "$ARCHIVE") bytes)"
