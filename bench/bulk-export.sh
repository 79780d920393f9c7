#!/usr/bin/env bash
# FHIR Bulk Data export of a large database on PostgreSQL (issue 17): QRS shared QuestionnaireResponses with
# OBS_PER_QR score Observations each (the demo PROM gives 4), exported by a backend client with /fhir/$export into
# NDJSON files. The server runs with a heap capped at HEAP (512m: the issue's "flat memory" target; an export that
# held the set in memory would die with OutOfMemoryError), and the script samples the heap used (jstat) while the
# job runs. Prints rows/s, MB/s and the peak heap; add them to bench/README.md.
#
#   bench/bulk-export.sh                          # 1,000,000 responses + 4,000,000 Observations (about 10 GB of files)
#   QRS=20000 bench/bulk-export.sh                # a small run
#   KEEP_DB=1 bench/bulk-export.sh                # export again from the database the last run filled
#
# The rows are cloned in SQL from one response created through the API (with its Observations), so every exported
# line is a real stored resource that the server parses and encodes again with HAPI. Do not run the large one while
# other builds or benchmarks use the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

QRS=${QRS:-1000000}
PORT=${PORT:-8094}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-8095}
DB=${BENCH_DB:-vointi_bench_bulk}
PGHOST=${PGHOST:-127.0.0.1}
HEAP=${HEAP:-512m}
JAR=${JAR:-service/target/vointi-service.jar}
OUT=${OUT:-target/bench-bulk-export}

if [ -z "${KEEP_DB:-}" ]; then
  psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fi
[ -f "$JAR" ] || ./mvnw -q -DskipTests package
mkdir -p target
rm -rf "$OUT"
TOKEN=$(java -cp "$JAR" bench/BenchToken.java target/bench-jwks.json "system/QuestionnaireResponse.crs")
export VOINTI_FEEDBACK_PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
export VOINTI_FHIR_BASE_URL="http://127.0.0.1:$PORT/fhir"
export VOINTI_ADAPTIVE_STATE_KEY="${VOINTI_ADAPTIVE_STATE_KEY:-$(head -c 32 /dev/urandom | base64)}"
export VOINTI_SUBSCRIPTIONS_HEADER_KEY="${VOINTI_SUBSCRIPTIONS_HEADER_KEY:-$(head -c 32 /dev/urandom | base64)}"
MICRONAUT_CONFIG_FILES=bench/application-bench.yml MICRONAUT_ENVIRONMENTS=postgres \
  VOINTI_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" VOINTI_DB_USER=postgres VOINTI_PORT="$PORT" \
  VOINTI_MANAGEMENT_PORT="$MANAGEMENT_PORT" VOINTI_BULK_DIRECTORY="$OUT" VOINTI_BULK_PAGE_SIZE="${PAGE_SIZE:-1000}" \
  java -Xmx"$HEAP" ${SERVER_JAVA_OPTS:-} -jar "$JAR" > target/bench-bulk-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  kill -0 $SERVER 2> /dev/null || { echo "the server stopped; see target/bench-bulk-server.log" >&2; exit 1; }
  curl -sf "http://127.0.0.1:$MANAGEMENT_PORT/health" > /dev/null && break
  sleep 1
done
BASE="http://127.0.0.1:$PORT/fhir"
psql_bench() { psql -h "$PGHOST" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -q "$@"; }

if [ -z "${KEEP_DB:-}" ]; then
  SEED=$(sed "s/{{ID}}/bench-bulk-seed/g" bench/demo-prom-response.json | curl -s -X POST "$BASE/QuestionnaireResponse" --data-binary @- \
    -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/fhir+json" -D - -o target/bench-bulk-seed.json \
    | tr -d '\r' | sed -n 's#^[Ll]ocation: .*/QuestionnaireResponse/\([^/]*\).*#\1#p')
  [ -n "$SEED" ] || { echo "could not create the seed response: $(cat target/bench-bulk-seed.json)" >&2; exit 1; }
  echo "cloning $QRS responses and their Observations from $SEED ..."
  START=$(date +%s)
  # column-agnostic clones: every column of the seed row copied, a few replaced (new ids, shared with the care
  # team); the column list is read from the catalog so the script follows the schema. Batches of 100,000 rows.
  clone() { # table, replacements (column=expression per line), WHERE of the seed rows, rows to make
    local table=$1 replacements=$2 where=$3 rows=$4 from=1
    local cols sel
    cols=$(psql_bench -At -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
      FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '$table'")
    sel=$(psql_bench -At -c "SELECT string_agg(COALESCE(r.expression, 's.' || quote_ident(c.column_name)), ', '
        ORDER BY c.ordinal_position)
      FROM information_schema.columns c LEFT JOIN (SELECT split_part(line, '=', 1) AS name,
          substr(line, strpos(line, '=') + 1) AS expression
        FROM regexp_split_to_table(\$\$$replacements\$\$, E'\\n') line WHERE line <> '') r ON r.name = c.column_name
      WHERE c.table_schema = current_schema() AND c.table_name = '$table'")
    while [ "$from" -le "$rows" ]; do
      local to=$(( from + 99999 > rows ? rows : from + 99999 ))
      psql_bench -c "INSERT INTO $table ($cols) SELECT $sel FROM $table s, generate_series($from, $to) g WHERE $where"
      from=$(( to + 1 ))
    done
  }
  clone questionnaire_response "id='bulk-' || g
identifier_value='bulk-' || g
shared=true
resource_json=replace(s.resource_json, s.id, 'bulk-' || g)" "s.id = '$SEED'" "$QRS"
  # an Observation's JSON is stored packed (PackedObservationJson, V33), which SQL cannot rewrite: the clones keep
  # the seed's bytes, so their lines repeat the seed Observations' ids and derivedFrom (the server reads, unpacks
  # and writes each as it would a real row; only the rows' own id columns are new)
  clone observation "id='bulk-' || g || '-' || s.score_key
response_id='bulk-' || g" \
    "s.response_id = '$SEED'" "$QRS"
  psql_bench -c "VACUUM ANALYZE questionnaire_response" -c "VACUUM ANALYZE observation"
  echo "loaded in $(( $(date +%s) - START )) s"
fi
ROWS=$(psql_bench -At -c "SELECT (SELECT COUNT(*) FROM questionnaire_response WHERE shared)
  + (SELECT COUNT(*) FROM observation o JOIN questionnaire_response r ON r.id = o.response_id WHERE r.shared)")
echo "exporting $ROWS resources with a heap of $HEAP ..."

START_MS=$(date +%s%3N)
STATUS=$(curl -sf "$BASE/\$export" -H "Authorization: Bearer $TOKEN" -H "Prefer: respond-async" \
  -H "Accept: application/fhir+json" -D - -o /dev/null | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ocation: //p')
[ -n "$STATUS" ] || { echo "kick-off refused" >&2; exit 1; }
PEAK_KB=0
while :; do
  CODE=$(curl -s -o target/bench-bulk-status.json -w '%{http_code}' "$STATUS" -H "Authorization: Bearer $TOKEN")
  # heap in use now: survivor, eden and old generation (KB)
  USED=$(jstat -gc "$SERVER" | awk 'NR==2 {printf "%d", $3 + $4 + $6 + $8}')
  [ "$USED" -gt "$PEAK_KB" ] && PEAK_KB=$USED
  [ "$CODE" = 202 ] || break
  sleep 1
done
END_MS=$(date +%s%3N)
[ "$CODE" = 200 ] || { echo "export failed: $CODE $(cat target/bench-bulk-status.json)" >&2; exit 1; }
EXPORTED=$(jq '[.output[].count] | add // 0' target/bench-bulk-status.json)
FILES=$(jq '.output | length' target/bench-bulk-status.json)
BYTES=$(du -sb "$OUT" | cut -f1)
SECONDS_TAKEN=$(awk "BEGIN {printf \"%.1f\", ($END_MS - $START_MS) / 1000}")
echo "exported $EXPORTED resources in $FILES files, $((BYTES / 1024 / 1024)) MB, in $SECONDS_TAKEN s"
awk "BEGIN {printf \"%.0f resources/s, %.1f MB/s, peak heap used %.0f MB (of $HEAP)\n\", $EXPORTED / $SECONDS_TAKEN, $BYTES / 1048576 / $SECONDS_TAKEN, $PEAK_KB / 1024}"
if grep -q OutOfMemoryError target/bench-bulk-server.log; then echo "OutOfMemoryError in the server log" >&2; exit 1; fi
