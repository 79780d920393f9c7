-- Vointi schema, version 3: scores extracted from completed responses as FHIR Observations (issue #5).

-- The current version of each Observation. One Observation per (response, score); amending the response
-- writes a new version (status amended) of the same Observation and moves the earlier one to history.
CREATE TABLE observation (
    id                VARCHAR(64)  NOT NULL,
    version_id        INTEGER      NOT NULL,
    response_id       VARCHAR(64)  NOT NULL,
    response_version  INTEGER      NOT NULL,
    score_key         VARCHAR(128) NOT NULL,
    status            VARCHAR(20)  NOT NULL,
    code_system       VARCHAR(255) NOT NULL,
    code              VARCHAR(128) NOT NULL,
    subject_type      VARCHAR(64),
    subject_id        VARCHAR(128),
    effective         TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated      TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json     VARCHAR      NOT NULL,
    CONSTRAINT pk_observation PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ux_observation_response_score ON observation (response_id, score_key);
CREATE INDEX ix_observation_subject_code_effective ON observation (subject_id, code, effective);
CREATE INDEX ix_observation_code_effective ON observation (code, effective);

-- Superseded versions (FHIR vread); rows are only ever inserted. With the current row: every version written.
CREATE TABLE observation_history (
    id            VARCHAR(64) NOT NULL,
    version_id    INTEGER     NOT NULL,
    status        VARCHAR(20) NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json VARCHAR     NOT NULL,
    CONSTRAINT pk_observation_history PRIMARY KEY (id, version_id)
);
