-- Vointi schema, version 1: questionnaire archive and QuestionnaireResponse store.
-- Runs unchanged on H2 (MODE=PostgreSQL, DATABASE_TO_LOWER) and PostgreSQL.
-- Resource JSON is kept as VARCHAR without length: unbounded text in PostgreSQL, up to
-- 1,000,000 characters in H2, above the API's request size limit.

-- Every questionnaire version the service has ever served, so that a stored response can always
-- be read against the exact content it answered, even after the file is withdrawn.
CREATE TABLE questionnaire (
    url            VARCHAR(255) NOT NULL,
    version        VARCHAR(64)  NOT NULL,
    resource_id    VARCHAR(64)  NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    first_loaded   TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json  VARCHAR      NOT NULL,
    CONSTRAINT pk_questionnaire PRIMARY KEY (url, version)
);

-- The current version of each QuestionnaireResponse, with the columns searches and analytics need.
CREATE TABLE questionnaire_response (
    id                    VARCHAR(64)  NOT NULL,
    version_id            INTEGER      NOT NULL,
    questionnaire_url     VARCHAR(255) NOT NULL,
    questionnaire_version VARCHAR(64)  NOT NULL,
    status                VARCHAR(20)  NOT NULL,
    subject_type          VARCHAR(64),
    subject_id            VARCHAR(128),
    authored              TIMESTAMP WITH TIME ZONE NOT NULL,
    -- '' when the response has no identifier system; the pair is unique so that retries cannot duplicate
    identifier_system     VARCHAR(255) NOT NULL,
    identifier_value      VARCHAR(255),
    unit_ref              VARCHAR(128),
    last_updated          TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json         VARCHAR      NOT NULL,
    CONSTRAINT pk_questionnaire_response PRIMARY KEY (id),
    CONSTRAINT fk_questionnaire_response_questionnaire FOREIGN KEY (questionnaire_url, questionnaire_version)
        REFERENCES questionnaire (url, version)
);

CREATE UNIQUE INDEX ux_qr_identifier ON questionnaire_response (identifier_system, identifier_value);
CREATE INDEX ix_qr_subject_authored ON questionnaire_response (subject_id, authored);
CREATE INDEX ix_qr_questionnaire_authored ON questionnaire_response (questionnaire_url, authored);
CREATE INDEX ix_qr_unit_authored ON questionnaire_response (unit_ref, authored);
CREATE INDEX ix_qr_authored ON questionnaire_response (authored);

-- Every version ever stored (FHIR vread); rows are only ever inserted.
CREATE TABLE questionnaire_response_history (
    id            VARCHAR(64) NOT NULL,
    version_id    INTEGER     NOT NULL,
    status        VARCHAR(20) NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json VARCHAR     NOT NULL,
    CONSTRAINT pk_questionnaire_response_history PRIMARY KEY (id, version_id)
);
