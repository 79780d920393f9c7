-- Vointi schema, version 21: outbound SMS and e-mail (issue 16, package fi.vointi.messaging, docs/messaging.md).

-- The transactional outbox: one row per message, written in the same transaction as the invitation it carries, so a
-- message exists if and only if its invitation does. Senders on any instance claim due rows (status queued, not_before
-- passed, no live lease) by moving claimed_until into the future; a lease that runs out (a crashed instance) makes the
-- row claimable again. recipient and body (which holds the link) are erased at erase_after, a short while after the
-- message was delivered or given up; the rest stays as the record of what was sent, without any address.
CREATE TABLE message_outbox (
    id              VARCHAR(64)  NOT NULL,
    channel         VARCHAR(8)   NOT NULL,
    purpose         VARCHAR(32)  NOT NULL,
    invitation_id   VARCHAR(64),
    patient_id      VARCHAR(128),
    recipient_key   CHAR(64)     NOT NULL,
    recipient       VARCHAR(320),
    sender_name     VARCHAR(64),
    subject         VARCHAR(255),
    body            VARCHAR(4000),
    status          VARCHAR(16)  NOT NULL,
    attempts        INTEGER      DEFAULT 0 NOT NULL,
    not_before      TIMESTAMP WITH TIME ZONE NOT NULL,
    claimed_by      VARCHAR(128),
    claimed_until   TIMESTAMP WITH TIME ZONE,
    provider_id     VARCHAR(128),
    provider_status VARCHAR(32),
    last_error      VARCHAR(500),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,
    erase_after     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_message_outbox PRIMARY KEY (id)
);
CREATE INDEX ix_message_outbox_due ON message_outbox (status, not_before);
CREATE INDEX ix_message_outbox_patient ON message_outbox (patient_id);
CREATE INDEX ix_message_outbox_recipient ON message_outbox (recipient_key, sent_at);
CREATE INDEX ix_message_outbox_provider ON message_outbox (provider_id);
CREATE INDEX ix_message_outbox_erase ON message_outbox (erase_after);

-- Every delivery attempt and its outcome (accepted, rejected, retry), for operators and the never-twice guarantee.
CREATE TABLE message_attempt (
    message_id  VARCHAR(64)  NOT NULL,
    attempt     INTEGER      NOT NULL,
    instance    VARCHAR(128) NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome     VARCHAR(16)  NOT NULL,
    detail      VARCHAR(500),
    CONSTRAINT pk_message_attempt PRIMARY KEY (message_id, attempt),
    CONSTRAINT fk_message_attempt FOREIGN KEY (message_id) REFERENCES message_outbox (id) ON DELETE CASCADE
);

-- Opt-outs, honoured for every later message: keyed by an HMAC of the address (or of the patient id), never the
-- address itself, so that an opt-out outlives the address it came from.
CREATE TABLE message_opt_out (
    subject_key   CHAR(64)    NOT NULL,
    source        VARCHAR(16) NOT NULL,
    opted_out_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_message_opt_out PRIMARY KEY (subject_key)
);
