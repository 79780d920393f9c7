-- Vointi schema, version 26: FHIR topic-based Subscriptions, R4 Subscriptions Backport (issue 17, package
-- fi.vointi.subscriptions, docs/subscriptions.md).

-- One row per subscription of a backend client. The client's scopes are kept with it: every event and every
-- notification is checked against the grants a read by that client would have (AccessPolicy). events_since_start
-- counts the events raised for it; the event that raises it to n gets event number n, in the same transaction.
CREATE TABLE subscription (
    id                  VARCHAR(64)   NOT NULL,
    client_id           VARCHAR(255)  NOT NULL,
    scopes              VARCHAR(2000) NOT NULL,
    topic               VARCHAR(255)  NOT NULL,
    unit_refs           VARCHAR(4000),
    status              VARCHAR(16)   NOT NULL,
    endpoint            VARCHAR(2000) NOT NULL,
    content             VARCHAR(16)   NOT NULL,
    headers             VARCHAR(4000),
    heartbeat_seconds   INTEGER,
    timeout_seconds     INTEGER       NOT NULL,
    end_at              TIMESTAMP WITH TIME ZONE,
    reason              VARCHAR(1000),
    base_url            VARCHAR(1000) NOT NULL,
    events_since_start  BIGINT        DEFAULT 0 NOT NULL,
    last_error          VARCHAR(500),
    next_heartbeat_at   TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated        TIMESTAMP WITH TIME ZONE NOT NULL,
    version_id          INTEGER       DEFAULT 1 NOT NULL,
    CONSTRAINT pk_subscription PRIMARY KEY (id)
);
CREATE INDEX ix_subscription_topic ON subscription (topic, status);
CREATE INDEX ix_subscription_client ON subscription (client_id);
CREATE INDEX ix_subscription_heartbeat ON subscription (next_heartbeat_at);

-- The transactional outbox of notifications: one row per event and subscription, written in the transaction that
-- causes the event (a sharing decision), so an event exists if and only if its cause committed. Senders on any
-- instance claim due rows with a lease (claimed_by, claimed_until) like message_outbox; a lease that runs out makes
-- the row claimable again, so every event is delivered at least once, always with the same event number.
CREATE TABLE subscription_event (
    subscription_id  VARCHAR(64)  NOT NULL,
    event_number     BIGINT       NOT NULL,
    focus_type       VARCHAR(32)  NOT NULL,
    focus_id         VARCHAR(64)  NOT NULL,
    occurred_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      DEFAULT 0 NOT NULL,
    not_before       TIMESTAMP WITH TIME ZONE NOT NULL,
    claimed_by       VARCHAR(128),
    claimed_until    TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(500),
    sent_at          TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_subscription_event PRIMARY KEY (subscription_id, event_number),
    CONSTRAINT fk_subscription_event FOREIGN KEY (subscription_id) REFERENCES subscription (id) ON DELETE CASCADE
);
CREATE INDEX ix_subscription_event_due ON subscription_event (status, not_before);
