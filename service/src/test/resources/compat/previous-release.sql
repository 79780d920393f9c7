-- The previous release's SQL on the tables that the migrations since it changed (docs/operations.md, "Upgrades without
-- downtime"): during a rolling update the old instances keep running these against the new schema, so
-- PreviousReleaseQueriesTest runs each of them there (in a transaction it rolls back). Copied verbatim from the
-- previous release's code; the "-- params:" line above a statement holds its bound values, separated by " | "
-- (now = the current time, null, true and false are booleans, whole numbers are integers, anything else a string).
-- When a migration changes a table, add the previous release's statements on it here; after the release, drop what
-- the new release no longer runs.
--
-- previous release: main at de78b9a (migrations up to V16); changed since: audit_event, audit_event_patient (V19)
-- Not here: observation and observation_history (V33 replaces resource_json by the packed resource; the one
-- exception to the rule, docs/operations.md "Upgrades without downtime": the previous release's Observation SQL
-- fails on the new schema by design).
-- previous release: main at 1570e1c (migrations up to V33); changed since: questionnaire_response (V34, the order of
-- the columns of the identifier's unique index); V35 adds and replaces only non-unique indexes (schedule_step,
-- invitation, message_outbox), which no statement can fail on: none of those tables' statements are here for it

-- AuditBatchWriter.insert
-- params: compat-1 | now | R | read | 0 | 200 | compat | null | patient | 127.0.0.1 | GET | /fhir/QuestionnaireResponse/x | QuestionnaireResponse/x | null
INSERT INTO audit_event (id, recorded, action, operation, outcome, http_status, agent_id, agent_client, agent_roles, source_ip, method, path, entities, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- AuditBatchWriter.insert, the patients of a row
-- params: compat-1 | compat-patient
INSERT INTO audit_event_patient (event_id, patient_id) VALUES (?, ?);

-- AuditEventController.search (patient=), a page
-- params: compat-patient | 21 | 0
SELECT e.id, e.recorded, e.action, e.operation, e.outcome, e.http_status, e.agent_id, e.agent_client, e.agent_roles, e.source_ip, e.method, e.path, e.entities, e.detail, (SELECT STRING_AGG(p.patient_id, ' ') FROM audit_event_patient p WHERE p.event_id = e.id) FROM audit_event e WHERE e.id IN (SELECT p.event_id FROM audit_event_patient p WHERE p.patient_id = ?) ORDER BY e.recorded DESC, e.id DESC LIMIT ? OFFSET ?;

-- AuditEventController.read
-- params: compat-1
SELECT e.id, e.recorded, e.action, e.operation, e.outcome, e.http_status, e.agent_id, e.agent_client, e.agent_roles, e.source_ip, e.method, e.path, e.entities, e.detail, (SELECT STRING_AGG(p.patient_id, ' ') FROM audit_event_patient p WHERE p.event_id = e.id) FROM audit_event e WHERE e.id = ?;

-- PatientExport ($everything: the patient's audit trail)
-- params: compat-patient
SELECT e.id, e.recorded, e.action, e.operation, e.outcome, e.http_status, e.agent_id, e.agent_client, e.agent_roles, e.entities FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id WHERE p.patient_id = ? ORDER BY e.recorded, e.id;

-- ResponseRepository.insert
-- params: compat-1 | 1 | https://vointi.fi/fhir/Questionnaire/demo-child-feedback | 1.1.0 | completed | Patient | compat-patient | now | urn:compat | compat-identifier | null | now | {} | false
INSERT INTO questionnaire_response (id, version_id, questionnaire_url, questionnaire_version, status, subject_type, subject_id, authored, identifier_system, identifier_value, unit_ref, last_updated, resource_json, closed_to_guardians) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- ResponseRepository.findByIdentifier (a conditional create's If-None-Exist)
-- params: urn:compat | compat-identifier | Patient | compat-patient
SELECT * FROM questionnaire_response WHERE identifier_system = ? AND identifier_value = ? AND subject_type IS NOT DISTINCT FROM ? AND subject_id IS NOT DISTINCT FROM ?;

-- ResponseRepository.findByIdentifierValue
-- params: compat-identifier | Patient | compat-patient
SELECT * FROM questionnaire_response WHERE identifier_value = ? AND subject_type IS NOT DISTINCT FROM ? AND subject_id IS NOT DISTINCT FROM ? ORDER BY id LIMIT 2;
