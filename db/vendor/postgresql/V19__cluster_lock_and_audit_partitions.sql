-- Issue 18. Jobs that must run once in the whole cluster (fi.vointi.ops.ClusterLock): an instance runs a job only
-- while it holds the job's lease, i.e. after it moved locked_until from the past into the future itself.
-- The same table as h2/V19.
CREATE TABLE cluster_lock (
    name          VARCHAR(64)  NOT NULL,
    locked_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_by     VARCHAR(255) NOT NULL,
    CONSTRAINT pk_cluster_lock PRIMARY KEY (name)
);

-- The audit trail, partitioned by month of `recorded` (UTC), so that a month is dropped or archived as a whole and a
-- search by time reads only its months. Without rewriting a row: the existing table becomes the partition of
-- everything before next month (ATTACH checks its rows against that bound, helped by the CHECK constraint added first),
-- and the months after it get partitions of their own, kept three months ahead by fi.vointi.ops.AuditPartitions.
--
-- What changes for the service: the primary key becomes (id, recorded), because a unique key of a partitioned table
-- must contain the partition key (ids stay random UUIDs, unique in practice), and audit_event_patient loses its
-- foreign key to audit_event, which can no longer reference id alone; AuditBatchWriter inserts an event and its
-- patient rows in one transaction, so the reference still always holds. No query changes.
ALTER TABLE audit_event_patient DROP CONSTRAINT fk_audit_event_patient_event;
ALTER TABLE audit_event RENAME TO audit_event_before_v19;
-- ATTACH below gives it the partitioned table's key (id, recorded) in place of this one
ALTER TABLE audit_event_before_v19 DROP CONSTRAINT pk_audit_event;
ALTER INDEX ix_audit_event_recorded RENAME TO ix_audit_event_before_v19_recorded;
ALTER INDEX ix_audit_event_agent RENAME TO ix_audit_event_before_v19_agent;

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
    CONSTRAINT pk_audit_event PRIMARY KEY (id, recorded)
) PARTITION BY RANGE (recorded);
CREATE INDEX ix_audit_event_recorded ON audit_event (recorded);
CREATE INDEX ix_audit_event_agent ON audit_event (agent_id, recorded);
CREATE INDEX ix_audit_event_id ON audit_event (id);

DO $$
DECLARE
    next_month TIMESTAMP WITH TIME ZONE := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + INTERVAL '1 month';
    month_start TIMESTAMP WITH TIME ZONE;
BEGIN
    EXECUTE format('ALTER TABLE audit_event_before_v19 ADD CONSTRAINT ck_audit_event_before_v19 CHECK (recorded < %L)',
                   next_month);
    EXECUTE format('ALTER TABLE audit_event ATTACH PARTITION audit_event_before_v19 FOR VALUES FROM (MINVALUE) TO (%L)',
                   next_month);
    FOR i IN 0..2 LOOP
        month_start := next_month + make_interval(months => i);
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                       'audit_event_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM'),
                       month_start, month_start + INTERVAL '1 month');
    END LOOP;
END $$;

-- Rows beyond the last monthly partition (the maintenance job did not run for months, a clock far ahead) are kept
-- here rather than refused; AuditPartitions warns while it holds any.
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;
