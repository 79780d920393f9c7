-- Loads the feedback-analytics benchmark data into a migrated Vointi database (bench/feedback-analytics.sh):
-- 1 county, 10 service areas, 50 services, 500 units; :responses feedback responses (default 10 million)
-- over 2023-01-01 … 2025-12-31 with recommendation 0–10 and five statements 1–5; the facts and the
-- daily rollups exactly as FeedbackFactWriter would have written them (rollups are sums over the facts);
-- monthly visit counts for every unit. Deterministic pseudo-random values from the row number.
\set ON_ERROR_STOP on
\timing on

INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id, last_updated, resource_json)
SELECT 'bench-county', NULL, 'county', 'Bench county', true, true, 1, now(), '{}';
INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id, last_updated, resource_json)
SELECT format('bench-area-%s', lpad(a::text, 2, '0')), 'bench-county', 'area', format('Area %s', a), true, true, 1, now(), '{}'
FROM generate_series(1, 10) a;
INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id, last_updated, resource_json)
SELECT format('bench-svc-%s-%s', lpad(a::text, 2, '0'), s), format('bench-area-%s', lpad(a::text, 2, '0')), 'service',
       format('Service %s.%s', a, s), true, true, 1, now(), '{}'
FROM generate_series(1, 10) a, generate_series(1, 5) s;
INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id, last_updated, resource_json)
SELECT format('bench-unit-%s-%s-%s', lpad(a::text, 2, '0'), s, lpad(u::text, 2, '0')),
       format('bench-svc-%s-%s', lpad(a::text, 2, '0'), s), 'unit', format('Unit %s.%s.%s', a, s, u), true, true, 1, now(), '{}'
FROM generate_series(1, 10) a, generate_series(1, 5) s, generate_series(1, 10) u;
-- the closure: every unit with itself and each ancestor
WITH RECURSIVE up(descendant_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM organization_unit WHERE id LIKE 'bench-%'
    UNION ALL
    SELECT up.descendant_id, u.parent_id, up.depth + 1 FROM up JOIN organization_unit u ON u.id = up.ancestor_id
    WHERE u.parent_id IS NOT NULL)
INSERT INTO organization_closure (ancestor_id, descendant_id, depth) SELECT ancestor_id, descendant_id, depth FROM up;

-- staging: one row per response
CREATE UNLOGGED TABLE bench_response AS
SELECT g AS n,
       format('bench-unit-%s-%s-%s', lpad((1 + (g % 500) / 50)::text, 2, '0'), 1 + ((g % 500) / 10) % 5,
              lpad((1 + g % 10)::text, 2, '0')) AS unit_id,
       DATE '2023-01-01' + (abs(hashint4((g + 7)::int)::bigint) % 1095)::int AS local_date,
       (ARRAY['adult', 'adult', 'adult', 'adult', 'adult', 'adult', 'child', 'relative', 'relative', 'adult'])
           [1 + abs(hashint4((g + 8)::int)::bigint) % 10] AS audience,
       (ARRAY['qr', 'sms', 'web', 'kiosk'])[1 + abs(hashint4((g + 9)::int)::bigint) % 4] AS channel,
       -- skewed towards high scores like real feedback
       LEAST(10, (abs(hashint4((g)::int)::bigint) % 11) + (abs(hashint4((g + 1)::int)::bigint) % 4))::smallint AS rec,
       (1 + abs(hashint4((g + 2)::int)::bigint) % 5)::smallint AS s1, (1 + abs(hashint4((g + 3)::int)::bigint) % 5)::smallint AS s2,
       (1 + abs(hashint4((g + 4)::int)::bigint) % 5)::smallint AS s3, (1 + abs(hashint4((g + 5)::int)::bigint) % 5)::smallint AS s4,
       (1 + abs(hashint4((g + 6)::int)::bigint) % 5)::smallint AS s5
FROM generate_series(1::bigint, :responses) g;

INSERT INTO feedback_fact (response_id, unit_id, local_date, audience, channel, questionnaire_url, recommendation,
                           statement_answers, open_text)
SELECT 'bench-' || n, unit_id, local_date, audience, channel, 'https://vointi.fi/fhir/Questionnaire/bench-feedback', rec,
       format('statement.access=%s;statement.heard=%s;statement.information=%s;statement.safety=%s;statement.usefulness=%s',
              s1, s2, s3, s4, s5),
       CASE WHEN n % 20 = 0 THEN 'Bench comment ' || n END
FROM bench_response;

INSERT INTO feedback_daily (unit_id, local_date, audience, responses, nps_n, promoters, passives, detractors)
SELECT unit_id, local_date, audience, count(*), count(rec), count(*) FILTER (WHERE rec >= 9),
       count(*) FILTER (WHERE rec BETWEEN 7 AND 8), count(*) FILTER (WHERE rec <= 6)
FROM bench_response GROUP BY unit_id, local_date, audience;

INSERT INTO feedback_statement_daily (unit_id, local_date, audience, statement_id, n, c1, c2, c3, c4, c5)
SELECT unit_id, local_date, audience, s.id, count(*), count(*) FILTER (WHERE s.v = 1), count(*) FILTER (WHERE s.v = 2),
       count(*) FILTER (WHERE s.v = 3), count(*) FILTER (WHERE s.v = 4), count(*) FILTER (WHERE s.v = 5)
FROM bench_response r CROSS JOIN LATERAL (VALUES ('statement.access', r.s1), ('statement.heard', r.s2),
    ('statement.information', r.s3), ('statement.safety', r.s4), ('statement.usefulness', r.s5)) AS s(id, v)
GROUP BY unit_id, local_date, audience, s.id;

INSERT INTO feedback_channel_daily (unit_id, local_date, audience, channel, responses)
SELECT unit_id, local_date, audience, channel, count(*) FROM bench_response GROUP BY unit_id, local_date, audience, channel;

INSERT INTO feedback_monthly (unit_id, local_date, audience, responses, nps_n, promoters, passives, detractors)
SELECT unit_id, date_trunc('month', local_date)::date, audience, sum(responses), sum(nps_n), sum(promoters), sum(passives), sum(detractors)
FROM feedback_daily GROUP BY unit_id, date_trunc('month', local_date), audience;
INSERT INTO feedback_statement_monthly (unit_id, local_date, audience, statement_id, n, c1, c2, c3, c4, c5)
SELECT unit_id, date_trunc('month', local_date)::date, audience, statement_id, sum(n), sum(c1), sum(c2), sum(c3), sum(c4), sum(c5)
FROM feedback_statement_daily GROUP BY unit_id, date_trunc('month', local_date), audience, statement_id;
INSERT INTO feedback_channel_monthly (unit_id, local_date, audience, channel, responses)
SELECT unit_id, date_trunc('month', local_date)::date, audience, channel, sum(responses)
FROM feedback_channel_daily GROUP BY unit_id, date_trunc('month', local_date), audience, channel;

-- monthly visits: about four visits per response
INSERT INTO feedback_visit (unit_id, period_start, period_end, visits, imported)
SELECT unit_id, date_trunc('month', local_date)::date, (date_trunc('month', local_date) + interval '1 month - 1 day')::date,
       4 * count(*), now()
FROM bench_response GROUP BY unit_id, date_trunc('month', local_date);

DROP TABLE bench_response;
VACUUM ANALYZE;
SELECT (SELECT count(*) FROM feedback_fact) AS facts, (SELECT count(*) FROM feedback_daily) AS daily_rows,
       (SELECT count(*) FROM feedback_statement_daily) AS statement_rows, (SELECT count(*) FROM feedback_channel_daily) AS channel_rows,
       (SELECT count(*) FROM feedback_statement_monthly) AS statement_monthly_rows,
       pg_size_pretty(pg_database_size(current_database())) AS database_size;
