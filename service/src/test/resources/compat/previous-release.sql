-- The previous release's SQL on the tables that the migrations since it changed (docs/operations.md, "Upgrades without
-- downtime"): during a rolling update the old instances keep running these against the new schema, so
-- PreviousReleaseQueriesTest runs each of them there (in a transaction it rolls back). Copied verbatim from the
-- previous release's code; the "-- params:" line above a statement holds its bound values, separated by " | "
-- (now = the current time, null, whole numbers are integers, anything else a string).
-- When a migration changes a table, add the previous release's statements on it here; after the release, drop what
-- the new release no longer runs.
--
-- previous release: main at de78b9a (migrations up to V16); changed since: audit_event, audit_event_patient (V19)
-- Not here: observation and observation_history (V33 replaces resource_json by the packed resource; the one
-- exception to the rule, docs/operations.md "Upgrades without downtime": the previous release's Observation SQL
-- fails on the new schema by design).

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
