package fi.vointi.bulk;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/** {@code vointi.bulk.*}: where export files go, how they are split, how long they are kept (docs/bulk-export.md). */
@ConfigurationProperties("vointi.bulk")
public class BulkExportConfiguration {
    /** Folder of the local {@link ExportStore}: one sub-folder per job. */
    private Path directory = Path.of("data", "bulk-export");
    /** A file holds at most this many resources ... */
    private int maxFileLines = 100_000;
    /** ... and is closed once it has grown to this many bytes (a file may exceed it by one resource). */
    private long maxFileBytes = 256L * 1024 * 1024;
    /** Rows read per keyset page: the only resources held in memory at once. */
    private int pageSize = 500;
    /** Files and the job are deleted this long after the job finished. */
    private Duration retention = Duration.ofHours(24);
    /** A job's lease on the instance running it; renewed on every page, taken over by another instance once it ran out. */
    private Duration lease = Duration.ofMinutes(2);
    /** How often each instance looks for jobs nobody runs (new, or left by a dead instance) and for expired files. */
    private Duration pollInterval = Duration.ofSeconds(10);
    /** Jobs one instance runs at the same time. */
    private int workers = 1;
    /** Pause after each finished file, to go easy on a busy database (0 = none). */
    private Duration filePause = Duration.ZERO;
    /** Retry-After (seconds) sent with the 202 of a job in progress. */
    private int retryAfterSeconds = 5;

    public Path getDirectory() {
        return directory;
    }

    public void setDirectory(Path directory) {
        this.directory = directory;
    }

    public int getMaxFileLines() {
        return maxFileLines;
    }

    public void setMaxFileLines(int maxFileLines) {
        this.maxFileLines = maxFileLines;
    }

    public long getMaxFileBytes() {
        return maxFileBytes;
    }

    public void setMaxFileBytes(long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
    }

    public int getPageSize() {
        return pageSize;
    }

    public void setPageSize(int pageSize) {
        this.pageSize = pageSize;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public int getWorkers() {
        return workers;
    }

    public void setWorkers(int workers) {
        this.workers = workers;
    }

    public Duration getFilePause() {
        return filePause;
    }

    public void setFilePause(Duration filePause) {
        this.filePause = filePause;
    }

    public int getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    public void setRetryAfterSeconds(int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }
}
