-- Vointi schema, version 24: post-visit feedback SMS (issue 16, item 3; fi.vointi.feedback.PostVisitFeedback,
-- docs/feedback.md "Post-visit feedback SMS"). The reported Encounter and the phone number are not kept here: the visit
-- becomes +1 in feedback_visit (its unit and day), and a sampled visit one message in message_outbox (V21), whose
-- address is erased after delivery as for every message.

-- "Never more than once per person per period": an HMAC (vointi.messaging.address-key) of the person's identifier or
-- number and when they were last sent a post-visit SMS. Rows older than the period are deleted hourly.
CREATE TABLE post_visit_contact (
    person_key    CHAR(64) NOT NULL,
    contacted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_post_visit_contact PRIMARY KEY (person_key)
);
CREATE INDEX ix_post_visit_contact_at ON post_visit_contact (contacted_at);

-- Systematic sampling: how many visits of the unit could have been sent a message so far. The n-th is picked when
-- floor(n * share) grows, so of any n visits at most n * share (rounded down, plus one at the seam) get a message.
CREATE TABLE post_visit_sampling (
    unit_id   VARCHAR(64) NOT NULL,
    eligible  BIGINT      NOT NULL,
    CONSTRAINT pk_post_visit_sampling PRIMARY KEY (unit_id)
);
