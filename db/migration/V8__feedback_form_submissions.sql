-- Single-use ids of rendered feedback forms (fi.vointi.feedback.FormSubmissions): a form sent twice (Back and send
-- again on a kiosk, a double click) stores one answer. Only a hash, kept a day, never linked to the answer.
CREATE TABLE feedback_form_submission (
    id_sha256  CHAR(64)                 NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_feedback_form_submission PRIMARY KEY (id_sha256)
);
CREATE INDEX ix_feedback_form_submission_expires ON feedback_form_submission (expires_at);
