-- Vointi schema, version 35 (issue 19, hot-path SQL that reads whole tables as they grow): indexes for statements
-- that could only scan. Each was a sequential scan (or a walk of every entry in a range) growing with its table,
-- measured with EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL 15; the tests named below hold each to a few pages.
-- The same in db/vendor/h2/V35 except the partial index, which H2 does not have.

-- Every reminder a schedule runs cancels its invitation's other reminders or forgets the invitation's short link
-- (fi.vointi.schedules.ScheduleStore): by invitation_id, which no index led. ReminderLookupTest.
CREATE INDEX ix_schedule_step_invitation ON schedule_step (invitation_id);

-- The PROM usage page joins a unit's responses of a period to the invitations they answered (PromUsageReport), and the
-- retention job deletes the invitations of each 500 responses it deletes (PatientErasure.deleteResponses): by
-- response_id, which no index led. InvitationOfResponseLookupTest.
CREATE INDEX ix_invitation_response ON invitation (response_id);

-- The message sender's housekeeping after every round (every 15 s on every instance, OutboxStore.expire).
-- The deletion of records past their retention is by finished_at alone; ix_message_outbox_finished (V25) leads with
-- status for the operator view. OutboxExpiryLookupTest.
CREATE INDEX ix_message_outbox_finished_at ON message_outbox (finished_at);
-- The erasure of addresses and texts read every row whose erase_after had passed, erased or not: all the messages on
-- record (400 days), every round. Only the rows with something left to erase are in this index (the statement's own
-- condition), so a round reads those due and nothing else; it replaces the plain index on erase_after, which nothing
-- else reads.
CREATE INDEX ix_message_outbox_erase_due ON message_outbox (erase_after) WHERE recipient IS NOT NULL OR body IS NOT NULL;
DROP INDEX ix_message_outbox_erase;
