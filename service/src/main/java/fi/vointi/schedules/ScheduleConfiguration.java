package fi.vointi.schedules;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;

/** {@code vointi.schedules.*}: PROM schedules (docs/schedules.md). */
@ConfigurationProperties("vointi.schedules")
public class ScheduleConfiguration {
    private boolean runnerEnabled = true;
    private Duration pollInterval = Duration.ofMinutes(1);
    private int batchSize = 100;
    private String sendTime = "10:00";
    private String zone = "Europe/Helsinki";
    private Duration catchUp = Duration.ofDays(14);
    @Nullable
    private String protocolsDir;
    private boolean includeBundled = true;

    public boolean isRunnerEnabled() {
        return runnerEnabled;
    }

    public void setRunnerEnabled(boolean runnerEnabled) {
        this.runnerEnabled = runnerEnabled;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public String getSendTime() {
        return sendTime;
    }

    public void setSendTime(String sendTime) {
        this.sendTime = sendTime;
    }

    public LocalTime sendAt() {
        return LocalTime.parse(sendTime);
    }

    public String getZone() {
        return zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public ZoneId zoneId() {
        return ZoneId.of(zone);
    }

    public Duration getCatchUp() {
        return catchUp;
    }

    public void setCatchUp(Duration catchUp) {
        this.catchUp = catchUp;
    }

    @Nullable
    public String getProtocolsDir() {
        return protocolsDir;
    }

    public void setProtocolsDir(@Nullable String protocolsDir) {
        this.protocolsDir = protocolsDir;
    }

    public boolean isIncludeBundled() {
        return includeBundled;
    }

    public void setIncludeBundled(boolean includeBundled) {
        this.includeBundled = includeBundled;
    }
}
