-- A young person's own answers can be closed to their guardians (issue 12, "Guardian and child"): set when a patient
-- whose identity provider asserts a birth date at or above vointi.privacy.guardian-age-limit answers for themself,
-- and never cleared by later versions. Rows stored before this rule stay as they were: open.
ALTER TABLE questionnaire_response ADD COLUMN closed_to_guardians BOOLEAN NOT NULL DEFAULT FALSE;
