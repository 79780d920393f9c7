-- Vointi schema, version 25: the operator's view of the message outbox (issue 16 item 5, docs/messaging.md "Operator
-- view"). Delivery per channel and day reads the messages created on each day, and the recent failures the newest
-- finished failures: both range scans of their own, which the sender's indexes (status + not_before, …) do not serve.
CREATE INDEX ix_message_outbox_created ON message_outbox (created_at);
CREATE INDEX ix_message_outbox_finished ON message_outbox (status, finished_at);
