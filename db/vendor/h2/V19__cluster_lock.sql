-- Issue 18. Jobs that must run once in the whole cluster (fi.vointi.ops.ClusterLock): an instance runs a job only
-- while it holds the job's lease, i.e. after it moved locked_until from the past into the future itself.
-- The same table as postgresql/V19; H2 keeps audit_event unpartitioned.
CREATE TABLE cluster_lock (
    name          VARCHAR(64)  NOT NULL,
    locked_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_by     VARCHAR(255) NOT NULL,
    CONSTRAINT pk_cluster_lock PRIMARY KEY (name)
);
