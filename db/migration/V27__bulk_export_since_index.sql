-- Bulk export with _since (docs/bulk-export.md, "_since and indexes"): a response shared after _since counts as
-- changed. The export asks for those in a branch of its own that starts from the decisions made in the window, which
-- needs the decisions by time; without this index that branch reads every decision ever made.
CREATE INDEX ix_sharing_decision_decided_at ON sharing_decision (decided_at);
