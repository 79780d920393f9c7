-- Server-side sessions of people signed in to the pages (fi.vointi.signin.SessionStore). The cookie carries a random
-- id of 256 bits; only its SHA-256 is kept here, so a copy of this table signs nobody in. The claims are those the
-- identity provider asserted (roles, patient, guardian_of, units, name), so that a session gives the same Caller as a
-- bearer token with the same claims. Shared by every service instance on the database.
CREATE TABLE web_session (
    id_sha256    CHAR(64)                 NOT NULL,
    subject      VARCHAR(255)             NOT NULL,
    claims_json  VARCHAR(16000)           NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_web_session PRIMARY KEY (id_sha256)
);
CREATE INDEX ix_web_session_last_seen ON web_session (last_seen_at);
CREATE INDEX ix_web_session_created ON web_session (created_at);
