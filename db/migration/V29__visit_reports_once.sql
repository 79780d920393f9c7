-- Vointi schema, version 29: a visit reported twice counts once (issue 16 "Reaching people"; fi.vointi.feedback.
-- PostVisitFeedback, docs/feedback.md "Post-visit feedback SMS"). Still nothing of the Encounter is stored: only an
-- HMAC (vointi.messaging.address-key) of the reporting client and the Encounter's identifier (or id), the visit's day
-- and when it was first reported. The primary key decides between concurrent reports of the same visit on any
-- instance: the insert that wins counts the visit and may message; the others find the key and do neither.
-- Rows are deleted hourly once seen_at is older than vointi.feedback.post-visit.period plus 7 days.
CREATE TABLE post_visit_seen (
    visit_key  CHAR(64)                 NOT NULL,
    visit_day  DATE                     NOT NULL,
    seen_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_post_visit_seen PRIMARY KEY (visit_key)
);
CREATE INDEX ix_post_visit_seen_at ON post_visit_seen (seen_at);
