package fi.vointi.subscriptions;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;

import java.time.Duration;

/** {@code vointi.subscriptions.*}: endpoints, the notification sender, retries (docs/subscriptions.md, Configuration). */
@ConfigurationProperties("vointi.subscriptions")
@Context // read at start-up: a wrong setting stops the service instead of the first notification
public class SubscriptionConfiguration {
    private boolean senderEnabled = true;
    private boolean allowHttpLocalhost = false;
    private int batchSize = 50;
    private int threads = 4;
    private Duration lease = Duration.ofMinutes(2);
    private int maxAttempts = 10;
    private Duration backoffFirst = Duration.ofSeconds(30);
    private Duration backoffMax = Duration.ofHours(1);
    private int defaultTimeout = 10;
    private int maxTimeout = 60;
    private int minHeartbeat = 60;
    private Duration eventRetention = Duration.ofDays(7);

    public boolean isSenderEnabled() {
        return senderEnabled;
    }

    public void setSenderEnabled(boolean senderEnabled) {
        this.senderEnabled = senderEnabled;
    }

    public boolean isAllowHttpLocalhost() {
        return allowHttpLocalhost;
    }

    public void setAllowHttpLocalhost(boolean allowHttpLocalhost) {
        this.allowHttpLocalhost = allowHttpLocalhost;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = positive("batch-size", batchSize);
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = positive("threads", threads);
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = positive("max-attempts", maxAttempts);
    }

    public Duration getBackoffFirst() {
        return backoffFirst;
    }

    public void setBackoffFirst(Duration backoffFirst) {
        this.backoffFirst = backoffFirst;
    }

    public Duration getBackoffMax() {
        return backoffMax;
    }

    public void setBackoffMax(Duration backoffMax) {
        this.backoffMax = backoffMax;
    }

    public int getDefaultTimeout() {
        return defaultTimeout;
    }

    public void setDefaultTimeout(int defaultTimeout) {
        this.defaultTimeout = positive("default-timeout", defaultTimeout);
    }

    public int getMaxTimeout() {
        return maxTimeout;
    }

    public void setMaxTimeout(int maxTimeout) {
        this.maxTimeout = positive("max-timeout", maxTimeout);
    }

    public int getMinHeartbeat() {
        return minHeartbeat;
    }

    public void setMinHeartbeat(int minHeartbeat) {
        this.minHeartbeat = positive("min-heartbeat", minHeartbeat);
    }

    /** How long a delivered or given-up event is kept (for an operator asking what was sent) before it is deleted. */
    public Duration getEventRetention() {
        return eventRetention;
    }

    public void setEventRetention(Duration eventRetention) {
        if (eventRetention.isNegative() || eventRetention.compareTo(Duration.ofDays(400)) > 0) {
            throw new ConfigurationException("vointi.subscriptions.event-retention must be between 0 and 400 days;"
                    + " what was disclosed stays in the audit trail, whatever the setting");
        }
        this.eventRetention = eventRetention;
    }

    fi.vointi.messaging.Backoff backoff() {
        return new fi.vointi.messaging.Backoff(backoffFirst, backoffMax);
    }

    SubscriptionRequest.Limits limits() {
        return new SubscriptionRequest.Limits(allowHttpLocalhost, Math.min(defaultTimeout, maxTimeout), maxTimeout, minHeartbeat);
    }

    private static int positive(String key, int value) {
        if (value < 1) {
            throw new ConfigurationException("vointi.subscriptions." + key + " must be at least 1");
        }
        return value;
    }
}
