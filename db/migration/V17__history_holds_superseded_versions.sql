-- Vointi schema, version 17: questionnaire_response_history holds only superseded versions (issue 19, "Write path"),
-- as observation_history always has: a create writes the current row only, and an update moves the version it
-- replaces to history. vread of the current version reads questionnaire_response. Rows written before this version
-- also copied each current version into history; those copies are removed (the current row holds the same version).
DELETE FROM questionnaire_response_history
WHERE EXISTS (SELECT 1 FROM questionnaire_response r
              WHERE r.id = questionnaire_response_history.id AND r.version_id = questionnaire_response_history.version_id);

-- Disk per stored response (issue 19): ix_observation_subject_code_reporter (V13: subject_id, code, reporter, effective)
-- serves every lookup this index served, by its (subject_id, code) prefix; each score wrote both.
DROP INDEX ix_observation_subject_code_effective;
