-- Issue 13 case 8: a response's business identifier is unique within its subject (the patient it is about), not
-- across all patients. A conditional create (If-None-Exist) or a colliding plain create can then only ever concern
-- responses about the patient the caller writes for, and never reveals that someone else's response exists.
DROP INDEX ux_qr_identifier;
CREATE UNIQUE INDEX ux_qr_subject_identifier
    ON questionnaire_response (subject_type, subject_id, identifier_system, identifier_value);
