package fi.vointi.messaging;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code vointi.messaging.*}: the outbox sender, quiet hours, caps, retention (docs/messaging.md, "Configuration"). */
@ConfigurationProperties("vointi.messaging")
@Context // read at start-up: a wrong setting stops the service instead of the first message
public class MessagingConfiguration {
    private boolean senderEnabled = true;
    private int batchSize = 50;
    private int threads = 4;
    private Duration lease = Duration.ofMinutes(2);
    private int maxAttempts = 6;
    private Duration backoffFirst = Duration.ofMinutes(1);
    private Duration backoffMax = Duration.ofHours(1);
    private String quietStart = "21:00";
    private String quietEnd = "08:00";
    private String zone = "Europe/Helsinki";
    private int rateCap = 3;
    private Duration ratePeriod = Duration.ofDays(1);
    private Duration addressRetention = Duration.ofDays(7);
    private Duration recordRetention = Duration.ofDays(400);
    @Nullable
    private String addressKey;
    private String senderName = "Vointi";
    @Nullable
    private String countySenderNames;

    public boolean isSenderEnabled() {
        return senderEnabled;
    }

    public void setSenderEnabled(boolean senderEnabled) {
        this.senderEnabled = senderEnabled;
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

    public Backoff backoff() {
        return new Backoff(backoffFirst, backoffMax);
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

    public String getQuietStart() {
        return quietStart;
    }

    public void setQuietStart(String quietStart) {
        this.quietStart = quietStart;
    }

    public String getQuietEnd() {
        return quietEnd;
    }

    public void setQuietEnd(String quietEnd) {
        this.quietEnd = quietEnd;
    }

    public String getZone() {
        return zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public QuietHours quietHours() {
        try {
            return new QuietHours(LocalTime.parse(quietStart), LocalTime.parse(quietEnd), ZoneId.of(zone));
        } catch (RuntimeException e) {
            throw new ConfigurationException("vointi.messaging.quiet-start/quiet-end/zone: " + e.getMessage());
        }
    }

    public int getRateCap() {
        return rateCap;
    }

    public void setRateCap(int rateCap) {
        this.rateCap = positive("rate-cap", rateCap);
    }

    public Duration getRatePeriod() {
        return ratePeriod;
    }

    public void setRatePeriod(Duration ratePeriod) {
        this.ratePeriod = ratePeriod;
    }

    public Duration getAddressRetention() {
        return addressRetention;
    }

    public void setAddressRetention(Duration addressRetention) {
        if (addressRetention.isNegative() || addressRetention.compareTo(Duration.ofDays(30)) > 0) {
            throw new ConfigurationException("vointi.messaging.address-retention must be between 0 and 30 days, not " + addressRetention);
        }
        this.addressRetention = addressRetention;
    }

    public Duration getRecordRetention() {
        return recordRetention;
    }

    public void setRecordRetention(Duration recordRetention) {
        this.recordRetention = recordRetention;
    }

    @Nullable
    public String getAddressKey() {
        return addressKey;
    }

    public void setAddressKey(@Nullable String addressKey) {
        this.addressKey = addressKey;
    }

    public String getSenderName() {
        return senderName;
    }

    public void setSenderName(String senderName) {
        this.senderName = SenderNames.checked(senderName);
    }

    @Nullable
    public String getCountySenderNames() {
        return countySenderNames;
    }

    public void setCountySenderNames(@Nullable String countySenderNames) {
        SenderNames.parse(countySenderNames);
        this.countySenderNames = countySenderNames;
    }

    public Map<String, String> countySenderNameMap() {
        return new LinkedHashMap<>(SenderNames.parse(countySenderNames));
    }

    private static int positive(String key, int value) {
        if (value < 1) {
            throw new ConfigurationException("vointi.messaging." + key + " must be at least 1, not " + value);
        }
        return value;
    }
}
