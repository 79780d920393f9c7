-- FHIR Bulk Data export (docs/bulk-export.md): one row per kick-off, and one per finished NDJSON file.
-- A job runs on the instance holding its lease (lease_owner, lease_until, database time); a job still in-progress
-- whose lease ran out (its instance died) is picked up by another instance and continues after its last
-- finished file (bulk_export_file.last_key: keyset paging by id).
CREATE TABLE bulk_export_job (
    id               VARCHAR(64)   NOT NULL,
    -- the OAuth2 client (azp) that started the job: the only one that may poll, download or cancel
    client_id        VARCHAR(255)  NOT NULL,
    -- the client's SMART scopes at kick-off; the job reads with exactly the grants they give (AccessPolicy)
    scopes           VARCHAR(4000) NOT NULL,
    request_url      VARCHAR(4000) NOT NULL,
    group_id         VARCHAR(128),
    types            VARCHAR(1000) NOT NULL,
    since            TIMESTAMP WITH TIME ZONE,
    transaction_time TIMESTAMP WITH TIME ZONE NOT NULL,
    -- in-progress, completed, failed, cancelled
    status           VARCHAR(20)   NOT NULL,
    types_done       VARCHAR(1000) NOT NULL,
    error            VARCHAR(4000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    lease_owner      VARCHAR(255),
    lease_until      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_bulk_export_job PRIMARY KEY (id)
);
CREATE INDEX ix_bulk_export_job_status ON bulk_export_job (status, lease_until);

CREATE TABLE bulk_export_file (
    job_id        VARCHAR(64)  NOT NULL,
    seq           INTEGER      NOT NULL,
    resource_type VARCHAR(64)  NOT NULL,
    name          VARCHAR(255) NOT NULL,
    lines         BIGINT       NOT NULL,
    bytes         BIGINT       NOT NULL,
    -- id of the file's last resource: the next file of the type starts after it
    last_key      VARCHAR(255) NOT NULL,
    written_by    VARCHAR(255) NOT NULL,
    CONSTRAINT pk_bulk_export_file PRIMARY KEY (job_id, seq),
    CONSTRAINT fk_bulk_export_file_job FOREIGN KEY (job_id) REFERENCES bulk_export_job (id) ON DELETE CASCADE
);
