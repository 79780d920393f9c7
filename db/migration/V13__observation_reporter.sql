-- Vointi schema, version 13: who answered the response a score comes from (issue 12, item 8). Scores of
-- self-reports (the patient answered) and proxy reports (a guardian answered for the child: the response's author
-- or source is a RelatedPerson) are never mixed in one series (docs/scoring.md, "Self- and proxy-reports").
ALTER TABLE observation ADD COLUMN reporter VARCHAR(8) DEFAULT 'self' NOT NULL;

-- Scores stored before this version: a response whose author or source is a (relative) RelatedPerson reference
-- was answered by a proxy. Stored JSON is HAPI's compact encoding, where a Reference starts with "reference".
UPDATE observation SET reporter = 'proxy' WHERE response_id IN (
    SELECT id FROM questionnaire_response
    WHERE resource_json LIKE '%"author":{"reference":"RelatedPerson/%'
       OR resource_json LIKE '%"source":{"reference":"RelatedPerson/%');

CREATE INDEX ix_observation_subject_code_reporter ON observation (subject_id, code, reporter, effective);
