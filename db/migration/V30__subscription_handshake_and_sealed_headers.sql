-- Vointi schema, version 30: subscriptions (issue 17, docs/subscriptions.md) get the Backport IG's handshake, and their
-- channel headers are encrypted at rest.

-- handshake: 'pending' (a handshake notification is owed; the subscription is 'requested', or 'error' after a failed
-- attempt), 'done' (delivered: the subscription takes events) or 'failed' (given up after max-attempts; the subscription
-- stays 'error' and takes no events). Subscriptions created before this version were active without one: 'done'.
ALTER TABLE subscription ADD COLUMN handshake VARCHAR(16) DEFAULT 'done' NOT NULL;
ALTER TABLE subscription ADD COLUMN handshake_attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE subscription ADD COLUMN handshake_due_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX ix_subscription_handshake ON subscription (handshake, handshake_due_at);

-- headers now holds 'v1:' + base64(AES-GCM nonce | ciphertext | tag) of the header lines (ChannelHeaderSeal): up to 10
-- headers of 1000 characters, a third longer in base64. Rows written before this version are sealed at start-up.
ALTER TABLE subscription ALTER COLUMN headers SET DATA TYPE VARCHAR(16000);
