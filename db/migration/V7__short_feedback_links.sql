-- Vointi schema, version 7: short SMS / e-mail feedback links (issue #11, package fi.vointi.feedback).

-- One row per issued SMS / e-mail feedback link ({public base}/p/{token}). The token is 128 random bits; only
-- its SHA-256 is kept, so a copy of this table opens no link. The row holds what the signed token used to carry:
-- the unit, its service, the channel and, for staff eNPS links, the audience; expires_at and used_at (single use,
-- kept to the hour like the answers' time, so that it cannot be matched to an answer). Nothing names a recipient.
CREATE TABLE feedback_link (
    token_sha256 CHAR(64)                 NOT NULL,
    unit_id      VARCHAR(64)              NOT NULL,
    service_id   VARCHAR(64),
    channel      VARCHAR(16)              NOT NULL,
    audience     VARCHAR(16),
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_feedback_link PRIMARY KEY (token_sha256)
);
CREATE INDEX ix_feedback_link_expires ON feedback_link (expires_at);

-- Single use now lives in feedback_link.used_at. The signed links this table served cannot be verified any more
-- (their HMAC key is no longer configured), so their use records prove nothing.
DROP TABLE feedback_token_use;
