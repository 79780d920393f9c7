-- Vointi schema, version 12: drafts of invitation answers (issue 12, patient web app).
-- The in-progress QuestionnaireResponse answering an invitation, saved page by page through the invitation link or
-- by the signed-in patient or guardian; the link (or the home page) resumes it until the link expires or the
-- response is completed (then response_id holds it, as before).
ALTER TABLE invitation ADD COLUMN draft_response_id VARCHAR(64);
CREATE INDEX ix_invitation_draft_response ON invitation (draft_response_id);
