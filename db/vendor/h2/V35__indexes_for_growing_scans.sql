-- Vointi schema, version 35 (issue 19, hot-path SQL that reads whole tables as they grow): the indexes of
-- db/vendor/postgresql/V35, where each statement is explained. H2 has no partial indexes: the message sender's erasure
-- keeps its plain index on erase_after (V21) here.
CREATE INDEX ix_schedule_step_invitation ON schedule_step (invitation_id);
CREATE INDEX ix_invitation_response ON invitation (response_id);
CREATE INDEX ix_message_outbox_finished_at ON message_outbox (finished_at);
