#!/usr/bin/env bash
# Patient answering pages benchmark (issue 12 item 10): starts the service against a fresh PostgreSQL database,
# invites PATIENTS patients to the demo PROM (POST /fhir/Task as an EHR backend client), then USERS virtual users
# answer it through the pages exactly as a browser does (bench/AnsweringLoad.java), WARMUP seconds, then DURATION
# seconds measured. Prints per request kind count, p50/p90/p99/max, errors and page size (PASS/FAIL under 100 KB),
# then checks the served HTML of every page kind for scripts and third-party origins.
#
#   bench/answering-pages.sh                     # 50 users, 20 s warm-up, 60 s measured, PostgreSQL
#   USERS=20 DURATION=30 bench/answering-pages.sh
#   DB=h2 bench/answering-pages.sh               # in-memory H2 instead
#   THINK_MS=3000 bench/answering-pages.sh       # each user pauses 1.5–4.5 s before each click, like a person
#
# Authentication: the PostgreSQL environment has no built-in identity provider (DevModeGuard refuses it outside the
# embedded database), so each virtual user sends its patient's bearer token (RS256, checked against a static JWKS —
# the production validation path). The pages resolve the same Caller from a token as from a session cookie.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-50}
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-60}
PATIENTS=${PATIENTS:-4000}
PORT=${PORT:-8093}
# health and metrics answer on the management port only (docs/operations.md)
export VOINTI_MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 100))}
DB=${DB:-postgres}
PGDB=${BENCH_DB:-vointi_bench_pages}
PGHOST=${PGHOST:-127.0.0.1}
UNIT=${UNIT:-demo-unit-health-centre}
OUT=target/bench-pages

echo "machine: $(nproc) cores, $(uptime)"
[ -f service/target/vointi-service.jar ] || ./mvnw -q -DskipTests package
mkdir -p target
rm -rf "$OUT"
# A stand-in identity provider: static JWKS for the server, an EHR token for the invitations, a token per patient.
TOKEN=$(java -cp service/target/vointi-service.jar bench/BenchToken.java target/bench-jwks.json "system/Task.c" \
  target/bench-pages-patients.txt "$PATIENTS")
export TOKEN
export VOINTI_FEEDBACK_PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
export VOINTI_FHIR_BASE_URL="http://127.0.0.1:$PORT/fhir"
# production start: the adaptive tests' state key is required (docs/adaptive.md); a throw-away one per run
export VOINTI_ADAPTIVE_STATE_KEY="${VOINTI_ADAPTIVE_STATE_KEY:-$(head -c 32 /dev/urandom | base64)}"
export VOINTI_SUBSCRIPTIONS_HEADER_KEY="${VOINTI_SUBSCRIPTIONS_HEADER_KEY:-$(head -c 32 /dev/urandom | base64)}"
# The demo county, so that the inviting unit has a name on the results page; no demo invitations.
export VOINTI_DEMO_ORGANIZATIONS=true VOINTI_DEMO_INVITATIONS=false
if [ "$DB" = h2 ]; then
  ENVIRONMENTS=""
  # application.yml names the embedded file database directly; DATASOURCES_DEFAULT_URL overrides it
  export DATASOURCES_DEFAULT_URL="jdbc:h2:mem:benchpages;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"
else
  ENVIRONMENTS=postgres
  psql -q -h "$PGHOST" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PGDB" -c "CREATE DATABASE $PGDB"
  export VOINTI_DB_URL="jdbc:postgresql://$PGHOST:5432/$PGDB" VOINTI_DB_USER=postgres
fi
# Outside dev mode the sign-in client reads the county provider's discovery document (ProviderDiscovery). The load
# signs nobody in (bearer tokens), but a stand-in provider keeps the server as configured as production would be:
# a static discovery document and the bench JWKS.
OIDC_PORT=$((PORT + 1))
mkdir -p target/bench-oidc/.well-known
cp target/bench-jwks.json target/bench-oidc/jwks.json
cat > target/bench-oidc/.well-known/openid-configuration <<JSON
{"issuer":"http://127.0.0.1:$OIDC_PORT","authorization_endpoint":"http://127.0.0.1:$OIDC_PORT/authorize",
 "token_endpoint":"http://127.0.0.1:$OIDC_PORT/token","jwks_uri":"http://127.0.0.1:$OIDC_PORT/jwks.json",
 "response_types_supported":["code"],"subject_types_supported":["public"],
 "id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"]}
JSON
python3 -c 'import functools, http.server, sys
handler = http.server.SimpleHTTPRequestHandler
handler.extensions_map = {"": "application/json", ".json": "application/json"}
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), functools.partial(handler, directory=sys.argv[2])).serve_forever()
' "$OIDC_PORT" target/bench-oidc > target/bench-oidc.log 2>&1 &
OIDC=$!
export VOINTI_OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"
MICRONAUT_CONFIG_FILES=bench/application-bench.yml MICRONAUT_ENVIRONMENTS="$ENVIRONMENTS" VOINTI_PORT="$PORT" \
  java ${SERVER_JAVA_OPTS:-} -jar service/target/vointi-service.jar > target/bench-pages-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER $OIDC 2>/dev/null || true' EXIT
for i in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$VOINTI_MANAGEMENT_PORT/health" > /dev/null && break
  kill -0 $SERVER 2>/dev/null || { echo "the service stopped: target/bench-pages-server.log"; exit 1; }
  [ "$i" -lt 180 ] || { echo "the service is not healthy after 180 s: target/bench-pages-server.log"; exit 1; }
  sleep 1
done

THINK_MS=${THINK_MS:-0} java bench/AnsweringLoad.java "http://127.0.0.1:$PORT" target/bench-pages-patients.txt "$USERS" "$WARMUP" "$DURATION" \
  "$UNIT" "$OUT"

echo
echo "third-party check of the served HTML (saved in $OUT):"
verdict=PASS
for page in "$OUT"/*.html; do
  kind=$(basename "$page" .html)
  scripts=$(grep -o '<script[^>]*>' "$page" | tr '\n' ' ' || true)
  # any absolute URL in an attribute that loads or submits something (href, src, action, srcset, manifest)
  external=$(grep -oE '(src|href|action|srcset)="(https?:)?//[^"]*"' "$page" | tr '\n' ' ' || true)
  blocking=$(grep -o '<script[^>]*>' "$page" | grep -v -E 'src="/[^/][^"]*"[^>]*(defer|async)|(defer|async)[^>]*src="/[^/]' || true)
  csp=$(grep -i '^content-security-policy:' "$OUT/$kind.headers" | cut -d' ' -f2- || true)
  status=PASS
  if [ -n "$external" ] || [ -n "$blocking" ] || ! grep -q "default-src 'none'" <<< "$csp"; then
    status=FAIL
    verdict=FAIL
  fi
  echo "  $kind: scripts: ${scripts:-none}; external origins: ${external:-none}; CSP: ${csp:-MISSING} => $status"
done
echo "RESULT no blocking or third-party script, no third-party origin: $verdict"
if [ "$DB" != h2 ]; then
  echo "completed responses stored: $(psql -tA -h "$PGHOST" -U postgres -d "$PGDB" -c "SELECT COUNT(*) FROM questionnaire_response WHERE status = 'completed'" 2>/dev/null || echo '?')"
fi
