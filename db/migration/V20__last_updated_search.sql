-- _lastUpdated search (FHIR): an EHR that synchronises asks "what changed since" (_lastUpdated=gt...) over all the
-- responses and scores it may read, which no other index narrows; _sort=_lastUpdated uses the same order.
CREATE INDEX ix_qr_last_updated ON questionnaire_response (last_updated);
CREATE INDEX ix_observation_last_updated ON observation (last_updated);
