-- Content that passed validation (issue 19: start-up in seconds). A row's key is the SHA-256 of the validator's
-- fingerprint (HAPI version and every conformance resource) and the content itself, so a file is validated again
-- only when it, our profiles or the validator change. Rows are never updated; stale keys simply stop matching.
CREATE TABLE content_validation (
    content_sha256 CHAR(64)     NOT NULL,
    source         VARCHAR(500) NOT NULL,
    validated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_content_validation PRIMARY KEY (content_sha256)
);
