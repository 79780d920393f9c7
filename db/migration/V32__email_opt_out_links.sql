-- Vointi schema, version 32: the opt-out link of every e-mail (issue 16, fi.vointi.messaging.OptOutLinks,
-- docs/messaging.md "Opt-out").

-- One row per e-mail sent: the SHA-256 of the link's random code (the code itself is only in the e-mail), the HMAC key
-- of the address it was sent to (never the address), the message's language for the page, and how long it works.
-- Rows past expires_at are deleted by the sender's round.
CREATE TABLE message_opt_out_link (
    code_hash      CHAR(64)    NOT NULL,
    recipient_key  CHAR(64)    NOT NULL,
    language       VARCHAR(8)  NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_message_opt_out_link PRIMARY KEY (code_hash)
);
CREATE INDEX ix_message_opt_out_link_expires ON message_opt_out_link (expires_at);

-- The link for the List-Unsubscribe header, kept with the body (which holds it too) and erased with it.
ALTER TABLE message_outbox ADD COLUMN unsubscribe_link VARCHAR(255);
