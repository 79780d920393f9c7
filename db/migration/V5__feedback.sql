-- Vointi schema, version 5: customer feedback channels (issue #6, package fi.vointi.feedback).

-- How many SMS / e-mail feedback links (channel tokens) were issued per unit, day (Europe/Helsinki) and
-- channel: the denominator of "answers relative to invitations". No person data: only counts.
CREATE TABLE feedback_invitation_count (
    unit_id    VARCHAR(64) NOT NULL,
    local_date DATE        NOT NULL,
    channel    VARCHAR(16) NOT NULL,
    issued     BIGINT      NOT NULL,
    CONSTRAINT pk_feedback_invitation_count PRIMARY KEY (unit_id, local_date, channel)
);

-- Single use of channel tokens: the SHA-256 of each token's id (jti) once an answer was stored with it,
-- kept until the token would have expired anyway. Nothing links it to the answer or the person.
CREATE TABLE feedback_token_use (
    token_sha256 CHAR(64)                 NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_feedback_token_use PRIMARY KEY (token_sha256)
);
CREATE INDEX ix_feedback_token_use_expires ON feedback_token_use (expires_at);
