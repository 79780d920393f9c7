-- Vointi schema, version 9: "can't say" answers of feedback statements (issue 11).
-- A statement answered "can't say" (an answer option without ordinalValue, e.g. agreement-5 cant-say) is stored in
-- the QuestionnaireResponse and in feedback_fact.statement_answers as 'linkId=cant-say', and counted here on its own:
-- never in n, c1..c5 or a mean. Rows written before this version hold 0.

ALTER TABLE feedback_statement_daily ADD COLUMN cant_say INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE feedback_statement_monthly ADD COLUMN cant_say INTEGER DEFAULT 0 NOT NULL;

-- The covering indexes of V6 take the new column, so that reports stay index-only scans. Rebuilding them reads
-- the whole rollup table once; writes to it wait meanwhile (plan the migration outside busy hours on a large table).
DROP INDEX ix_feedback_statement_daily_cover;
CREATE INDEX ix_feedback_statement_daily_cover ON feedback_statement_daily
    (unit_id, local_date, audience, statement_id, c1, c2, c3, c4, c5, cant_say);
DROP INDEX ix_feedback_statement_monthly_cover;
CREATE INDEX ix_feedback_statement_monthly_cover ON feedback_statement_monthly
    (unit_id, local_date, audience, statement_id, c1, c2, c3, c4, c5, cant_say);
