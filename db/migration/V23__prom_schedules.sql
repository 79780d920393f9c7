-- Vointi schema, version 23: PROM schedules (issue 16 item 2, package fi.vointi.schedules, docs/schedules.md).

-- One enrolment of a patient in a protocol (a PlanDefinition), served as a FHIR CarePlan. The contacts (sms, email)
-- are kept only while steps remain: erased when the episode ends, when the last step ran, on opt-out and with the
-- patient's data (GDPR erasure deletes the rows).
CREATE TABLE schedule_enrolment (
    id               VARCHAR(64)  NOT NULL,
    patient_id       VARCHAR(128) NOT NULL,
    unit_ref         VARCHAR(128),
    protocol_url     VARCHAR(512) NOT NULL,
    protocol_version VARCHAR(64)  NOT NULL,
    episode_start    DATE         NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    sms              VARCHAR(32),
    email            VARCHAR(320),
    language         VARCHAR(8)   NOT NULL,
    created_by       VARCHAR(256) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at         TIMESTAMP WITH TIME ZONE,
    version_id       INTEGER      NOT NULL,
    CONSTRAINT pk_schedule_enrolment PRIMARY KEY (id)
);
CREATE INDEX ix_schedule_enrolment_patient ON schedule_enrolment (patient_id);

-- What the schedule does and when: an invitation per action of the protocol, and, once an invitation is sent, its
-- reminders. A runner on any instance takes a due step by moving it from pending in a conditional UPDATE, in the same
-- transaction that creates the invitation or queues the reminder: exactly one instance does each step.
-- link is the short link of the invitation's messages, kept for its reminders and erased when they are over.
CREATE TABLE schedule_step (
    id            VARCHAR(64)  NOT NULL,
    enrolment_id  VARCHAR(64)  NOT NULL,
    action_id     VARCHAR(64)  NOT NULL,
    questionnaire VARCHAR(600) NOT NULL,
    kind          VARCHAR(16)  NOT NULL,
    reminder_no   INTEGER      DEFAULT 0 NOT NULL,
    due_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    invitation_id VARCHAR(64),
    link          VARCHAR(128),
    done_at       TIMESTAMP WITH TIME ZONE,
    note          VARCHAR(255),
    CONSTRAINT pk_schedule_step PRIMARY KEY (id),
    CONSTRAINT fk_schedule_step_enrolment FOREIGN KEY (enrolment_id) REFERENCES schedule_enrolment (id) ON DELETE CASCADE
);
CREATE INDEX ix_schedule_step_due ON schedule_step (status, due_at);
CREATE INDEX ix_schedule_step_enrolment ON schedule_step (enrolment_id);
