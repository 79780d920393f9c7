-- Vointi schema, version 2: sharing decisions, invitations and the audit trail (issue #3).

-- A patient's response is private until the patient (or a guardian) shares it with the care team.
ALTER TABLE questionnaire_response ADD COLUMN shared BOOLEAN DEFAULT FALSE NOT NULL;

-- Every sharing decision ever made (share / withdraw); the latest one per response is in force and
-- mirrored in questionnaire_response.shared. Rendered as FHIR Consent.
CREATE TABLE sharing_decision (
    id            VARCHAR(64)  NOT NULL,
    response_id   VARCHAR(64)  NOT NULL,
    patient_id    VARCHAR(128) NOT NULL,
    decision      VARCHAR(16)  NOT NULL,
    decided_by    VARCHAR(255) NOT NULL,
    decided_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_sharing_decision PRIMARY KEY (id)
);
CREATE INDEX ix_sharing_decision_response ON sharing_decision (response_id, decided_at);
CREATE INDEX ix_sharing_decision_patient ON sharing_decision (patient_id);

-- Invitations to answer one questionnaire (FHIR Task, SDC). Only the SHA-256 of the link token is kept.
CREATE TABLE invitation (
    id                    VARCHAR(64)  NOT NULL,
    token_sha256          CHAR(64)     NOT NULL,
    patient_id            VARCHAR(128) NOT NULL,
    questionnaire_url     VARCHAR(255) NOT NULL,
    questionnaire_version VARCHAR(64)  NOT NULL,
    unit_ref              VARCHAR(128),
    requester             VARCHAR(255) NOT NULL,
    status                VARCHAR(20)  NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at               TIMESTAMP WITH TIME ZONE,
    response_id           VARCHAR(64),
    resource_json         VARCHAR      NOT NULL,
    CONSTRAINT pk_invitation PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ux_invitation_token ON invitation (token_sha256);
CREATE INDEX ix_invitation_patient ON invitation (patient_id);
CREATE INDEX ix_invitation_unit ON invitation (unit_ref, created_at);

-- Who did what to which health data, when, from which client, with what outcome. Rows are only
-- ever inserted by the service; the API offers no way to change them.
CREATE TABLE audit_event (
    id            VARCHAR(64)  NOT NULL,
    recorded      TIMESTAMP WITH TIME ZONE NOT NULL,
    action        CHAR(1)      NOT NULL,
    operation     VARCHAR(32)  NOT NULL,
    outcome       VARCHAR(2)   NOT NULL,
    http_status   INTEGER      NOT NULL,
    agent_id      VARCHAR(255),
    agent_client  VARCHAR(255),
    agent_roles   VARCHAR(255),
    source_ip     VARCHAR(64),
    method        VARCHAR(8)   NOT NULL,
    path          VARCHAR(1024) NOT NULL,
    entities      VARCHAR,
    detail        VARCHAR(1024),
    CONSTRAINT pk_audit_event PRIMARY KEY (id)
);
CREATE INDEX ix_audit_event_recorded ON audit_event (recorded);
CREATE INDEX ix_audit_event_agent ON audit_event (agent_id, recorded);

-- The patients whose data an event touched (one row each), so that a patient's trail can be searched.
CREATE TABLE audit_event_patient (
    event_id    VARCHAR(64)  NOT NULL,
    patient_id  VARCHAR(128) NOT NULL,
    CONSTRAINT pk_audit_event_patient PRIMARY KEY (event_id, patient_id),
    CONSTRAINT fk_audit_event_patient_event FOREIGN KEY (event_id) REFERENCES audit_event (id)
);
CREATE INDEX ix_audit_event_patient ON audit_event_patient (patient_id);
