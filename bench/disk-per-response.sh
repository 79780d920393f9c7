#!/usr/bin/env bash
# Disk per stored QuestionnaireResponse on PostgreSQL (issue 19, "Write path"): loads completed demo-PROM responses
# with bench/qr-create.sh (fresh database, backend client, conditional create, audited), then prints per table the
# bytes (pg_total_relation_size: heap, TOAST and indexes) divided by the responses stored. Each response brings its
# four score Observations and one audit row (+ one audit_event_patient row), so the total is what one answer costs.
#
#   PORT=8193 BENCH_DB=vointi_bench_writepath bench/disk-per-response.sh
#   DURATION=20 bench/disk-per-response.sh          # fewer responses
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${BENCH_DB:-vointi_bench}
PGHOST=${PGHOST:-127.0.0.1}
export WARMUP=${WARMUP:-0} DURATION=${DURATION:-30}
bench/qr-create.sh
# the empty database's tables (a few 8 KB pages each) are negligible against tens of thousands of responses
psql -h "$PGHOST" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
CHECKPOINT;
WITH n AS (SELECT COUNT(*)::numeric AS responses FROM questionnaire_response),
t AS (SELECT unnest(ARRAY['questionnaire_response', 'questionnaire_response_history', 'observation',
                          'observation_history', 'audit_event', 'audit_event_patient']) AS name)
SELECT t.name AS "table",
       (SELECT COUNT(*) FROM questionnaire_response) AS responses,
       pg_total_relation_size(t.name::regclass) AS total_bytes,
       pg_indexes_size(t.name::regclass) AS index_bytes,
       round(pg_total_relation_size(t.name::regclass) / n.responses) AS bytes_per_response
FROM t, n
UNION ALL
SELECT 'all', (SELECT COUNT(*) FROM questionnaire_response),
       SUM(pg_total_relation_size(t.name::regclass)), SUM(pg_indexes_size(t.name::regclass)),
       round(SUM(pg_total_relation_size(t.name::regclass)) / MAX(n.responses))
FROM t, n;
SQL
