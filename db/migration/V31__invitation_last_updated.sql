-- Vointi schema, version 31: meta.lastUpdated of an invitation (FHIR Task) as a column, for _lastUpdated search
-- (issue 19). Set when the invitation is created and whenever its Task changes (answered: status completed). Rows
-- that exist already get the time of their last change the table knows: answered (used_at) or else created.
ALTER TABLE invitation ADD COLUMN last_updated TIMESTAMP WITH TIME ZONE;
UPDATE invitation SET last_updated = COALESCE(used_at, created_at);
ALTER TABLE invitation ALTER COLUMN last_updated SET NOT NULL;
CREATE INDEX ix_invitation_last_updated ON invitation (last_updated);
