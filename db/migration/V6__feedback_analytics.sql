-- Vointi schema, version 6: customer-feedback facts, daily rollups and visit counts (issue #6, analytics).
-- Written by fi.vointi.analytics.FeedbackFactWriter in the transaction that stores each response version.
-- Reports read only the rollups; the fact rows are the source of truth to retract an amended response
-- and to rebuild the rollups. No person data anywhere: feedback responses are anonymous.

-- One row per final feedback response (its current final version).
CREATE TABLE feedback_fact (
    response_id       VARCHAR(64)  NOT NULL,
    unit_id           VARCHAR(64)  NOT NULL,
    -- the Europe/Helsinki calendar day of QuestionnaireResponse.authored
    local_date        DATE         NOT NULL,
    audience          VARCHAR(16)  NOT NULL,
    channel           VARCHAR(16)  NOT NULL,
    questionnaire_url VARCHAR(255) NOT NULL,
    -- 0..10, null when not answered
    recommendation    SMALLINT,
    -- statement answers as linkId=value pairs joined by ';' (values 1..5), e.g. 'statement.access=4;own.parking=2'
    statement_answers VARCHAR(4000) NOT NULL,
    open_text         VARCHAR,
    CONSTRAINT pk_feedback_fact PRIMARY KEY (response_id)
);
-- open-text listing of a unit set and period
CREATE INDEX ix_feedback_fact_unit_date ON feedback_fact (unit_id, local_date);

-- Daily rollup per unit, day and audience: what every report sums.
CREATE TABLE feedback_daily (
    unit_id     VARCHAR(64) NOT NULL,
    local_date  DATE        NOT NULL,
    audience    VARCHAR(16) NOT NULL,
    responses   INTEGER     NOT NULL,
    nps_n       INTEGER     NOT NULL,
    promoters   INTEGER     NOT NULL,
    passives    INTEGER     NOT NULL,
    detractors  INTEGER     NOT NULL,
    CONSTRAINT pk_feedback_daily PRIMARY KEY (unit_id, local_date, audience)
);

-- Daily rollup per unit, day, audience and statement (linkId): n and the counts of answers 1..5.
CREATE TABLE feedback_statement_daily (
    unit_id      VARCHAR(64)  NOT NULL,
    local_date   DATE         NOT NULL,
    audience     VARCHAR(16)  NOT NULL,
    statement_id VARCHAR(255) NOT NULL,
    n            INTEGER      NOT NULL,
    c1           INTEGER      NOT NULL,
    c2           INTEGER      NOT NULL,
    c3           INTEGER      NOT NULL,
    c4           INTEGER      NOT NULL,
    c5           INTEGER      NOT NULL,
    CONSTRAINT pk_feedback_statement_daily PRIMARY KEY (unit_id, local_date, audience, statement_id)
);

-- Daily responses per unit, audience and channel: the numerator of "answers relative to invitations".
CREATE TABLE feedback_channel_daily (
    unit_id    VARCHAR(64) NOT NULL,
    local_date DATE        NOT NULL,
    audience   VARCHAR(16) NOT NULL,
    channel    VARCHAR(16) NOT NULL,
    responses  INTEGER     NOT NULL,
    CONSTRAINT pk_feedback_channel_daily PRIMARY KEY (unit_id, local_date, audience, channel)
);

-- The same three rollups per calendar month (local_date = the month's first day): reports in months,
-- quarters or years of a whole county read ~30 times fewer rows.
CREATE TABLE feedback_monthly (
    unit_id     VARCHAR(64) NOT NULL,
    local_date  DATE        NOT NULL,
    audience    VARCHAR(16) NOT NULL,
    responses   INTEGER     NOT NULL,
    nps_n       INTEGER     NOT NULL,
    promoters   INTEGER     NOT NULL,
    passives    INTEGER     NOT NULL,
    detractors  INTEGER     NOT NULL,
    CONSTRAINT pk_feedback_monthly PRIMARY KEY (unit_id, local_date, audience)
);
CREATE TABLE feedback_statement_monthly (
    unit_id      VARCHAR(64)  NOT NULL,
    local_date   DATE         NOT NULL,
    audience     VARCHAR(16)  NOT NULL,
    statement_id VARCHAR(255) NOT NULL,
    n            INTEGER      NOT NULL,
    c1           INTEGER      NOT NULL,
    c2           INTEGER      NOT NULL,
    c3           INTEGER      NOT NULL,
    c4           INTEGER      NOT NULL,
    c5           INTEGER      NOT NULL,
    CONSTRAINT pk_feedback_statement_monthly PRIMARY KEY (unit_id, local_date, audience, statement_id)
);
CREATE TABLE feedback_channel_monthly (
    unit_id    VARCHAR(64) NOT NULL,
    local_date DATE        NOT NULL,
    audience   VARCHAR(16) NOT NULL,
    channel    VARCHAR(16) NOT NULL,
    responses  INTEGER     NOT NULL,
    CONSTRAINT pk_feedback_channel_monthly PRIMARY KEY (unit_id, local_date, audience, channel)
);

-- Covering indexes: a report reads a unit's rows for a year as one index-only range scan instead of one
-- random heap page per row (10 million responses: a service's daily statement rows for a year 336 ms -> 37 ms).
-- Plain composite indexes, because H2 has no INCLUDE. The price: increments change indexed columns, so
-- rollup updates are not HOT updates in PostgreSQL (one more index entry per increment).
CREATE INDEX ix_feedback_daily_cover ON feedback_daily
    (unit_id, local_date, audience, responses, nps_n, promoters, passives, detractors);
CREATE INDEX ix_feedback_statement_daily_cover ON feedback_statement_daily
    (unit_id, local_date, audience, statement_id, c1, c2, c3, c4, c5);
CREATE INDEX ix_feedback_monthly_cover ON feedback_monthly
    (unit_id, local_date, audience, responses, nps_n, promoters, passives, detractors);
CREATE INDEX ix_feedback_statement_monthly_cover ON feedback_statement_monthly
    (unit_id, local_date, audience, statement_id, c1, c2, c3, c4, c5);

-- Imported visit counts: one row per unit and day or calendar month (period_end inclusive).
CREATE TABLE feedback_visit (
    unit_id      VARCHAR(64) NOT NULL,
    period_start DATE        NOT NULL,
    period_end   DATE        NOT NULL,
    visits       INTEGER     NOT NULL,
    imported     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_feedback_visit PRIMARY KEY (unit_id, period_start),
    CONSTRAINT ck_feedback_visit_period CHECK (period_end >= period_start),
    CONSTRAINT ck_feedback_visit_visits CHECK (visits >= 0)
);
