package fi.vointi.gdpr;

import fi.vointi.audit.AuditLog;
import fi.vointi.audit.AuditRecord;
import fi.vointi.ops.ClusterLock;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAmount;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Storage limitation (GDPR Art. 5(1)(e)): deletes responses not written for longer than
 * {@code vointi.retention.responses} (with all their versions, sharing decisions and invitations) and
 * invitations that expired longer ago than that. Without the setting, everything is kept. Runs on
 * {@code vointi.retention.cron} (default 02:30 every night, server time zone).
 */
@Context // created at start-up, so that a bad retention setting stops start-up instead of failing at 02:30
public class RetentionJob {
    public static final String AGENT = "system:retention-job";
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    private static final int BATCH = 500;
    /** The job's lease (fi.vointi.ops.ClusterLock): at most 6 h for a run; kept 30 min so that no instance runs it twice. */
    static final String LEASE = "retention";
    private final PatientErasure erasure;
    private final AuditLog audit;
    private final ClusterLock cluster;
    @Nullable
    private final TemporalAmount retention;

    public RetentionJob(PatientErasure erasure, AuditLog audit, ClusterLock cluster,
                        @Value("${vointi.retention.responses:}") String retention) {
        this.erasure = erasure;
        this.audit = audit;
        this.cluster = cluster;
        this.retention = parse(retention);
    }

    /** ISO-8601 duration ({@code P3650D}, {@code PT720H}) or period ({@code P10Y}); blank means keep forever. */
    @Nullable
    static TemporalAmount parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String iso = text.trim().toUpperCase(Locale.ROOT);
        TemporalAmount amount;
        try {
            amount = Duration.parse(iso);
        } catch (DateTimeParseException notDuration) {
            try {
                amount = Period.parse(iso);
            } catch (DateTimeParseException notPeriod) {
                throw new ConfigurationException("vointi.retention.responses: '" + text
                        + "' is not an ISO-8601 duration or period such as P3650D or P10Y");
            }
        }
        // A zero or negative retention would delete everything at the next run: refuse to start instead.
        if (!Instant.EPOCH.atOffset(ZoneOffset.UTC).plus(amount).toInstant().isAfter(Instant.EPOCH)) {
            throw new ConfigurationException("vointi.retention.responses must be longer than zero, not '" + text + "'");
        }
        return amount;
    }

    /**
     * The scheduled run: every instance schedules it, one in the cluster runs it (docs/operations.md, "Several
     * instances").
     *
     * @return whether it ran on this instance
     */
    @Scheduled(cron = "${vointi.retention.cron:0 30 2 * * *}")
    public boolean runOnceInCluster() {
        if (retention == null) {
            return false;
        }
        return cluster.runOnce(LEASE, Duration.ofHours(6), Duration.ofMinutes(30), this::run);
    }

    /** One run, here and now; public so that operators' tooling and tests can trigger it. Batches commit one by one. */
    public GdprCounts run() {
        if (retention == null) {
            return GdprCounts.NONE;
        }
        Instant cutoff = Instant.now().atOffset(ZoneOffset.UTC).minus(retention).toInstant();
        GdprCounts counts = GdprCounts.NONE;
        try {
            List<String> ids;
            do {
                ids = erasure.responsesLastUpdatedBefore(cutoff, BATCH);
                counts = counts.plus(erasure.deleteResponses(ids, cutoff));
            } while (ids.size() == BATCH);
            counts = counts.plus(new GdprCounts(0, 0, 0, erasure.deleteInvitationsExpiredBefore(cutoff)));
        } catch (RuntimeException e) {
            // Batches already committed are deleted for good: they are recorded even when a later one fails.
            record(500, "failed after " + counts + "; cutoff=" + cutoff);
            LOG.error("Retention run failed after deleting {}", counts, e);
            throw e;
        }
        record(200, counts + "; cutoff=" + cutoff);
        LOG.info("Retention: deleted {} last written before {}", counts, cutoff);
        return counts;
    }

    private void record(int status, String detail) {
        audit.append(new AuditRecord(UUID.randomUUID().toString(), Instant.now(), "D", "retention", status == 200 ? "0" : "8",
                status, AGENT, null, null, null, "JOB", "retention", List.of(), Set.of(), detail));
    }
}
