package fi.vointi.ops;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL only: keeps a partition of {@code audit_event} for this month and the next {@value #MONTHS_AHEAD} months
 * (db/vendor/postgresql/V19), once in the cluster, every six hours and shortly after start-up. A month already covered
 * (by the table that held the trail before V19) is left alone. Rows that land in the default partition mean the job
 * has not run for months: it then warns, because a month's partition cannot be created while the default partition
 * holds rows of that month (docs/operations.md, "Audit table partitioning").
 */
@Singleton
@Requires(property = "datasources.default.dialect", value = "POSTGRES")
public class AuditPartitions {
    static final int MONTHS_AHEAD = 3;
    private static final Logger LOG = LoggerFactory.getLogger(AuditPartitions.class);
    /** "partition would overlap partition" */
    private static final String OVERLAP = "42P17";
    private final DataSource dataSource;
    private final ClusterLock cluster;

    AuditPartitions(DataSource dataSource, ClusterLock cluster) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.cluster = cluster;
    }

    @Scheduled(fixedDelay = "6h", initialDelay = "30s")
    void maintain() {
        cluster.runOnce("audit-partitions", Duration.ofMinutes(30), Duration.ofMinutes(10), this::ensure);
    }

    /** Creates the missing monthly partitions; returns the names of those created now. */
    public List<String> ensure() {
        return ensure(LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1));
    }

    List<String> ensure(LocalDate thisMonth) {
        List<String> created = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            for (int i = 0; i <= MONTHS_AHEAD; i++) {
                LocalDate month = thisMonth.plusMonths(i);
                String name = name(month);
                OffsetDateTime from = month.atStartOfDay().atOffset(ZoneOffset.UTC);
                OffsetDateTime to = from.plusMonths(1);
                // names and bounds come from dates formatted here, never from input
                String sql = "CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF audit_event FOR VALUES FROM ('"
                        + from + "') TO ('" + to + "')";
                try {
                    boolean existed = exists(connection, name);
                    statement.execute(sql);
                    if (!existed) {
                        created.add(name);
                        LOG.info("Audit trail: partition {} created", name);
                    }
                } catch (SQLException e) {
                    if (!OVERLAP.equals(e.getSQLState())) {
                        throw e;
                    }
                    // the month lies in an older partition (audit_event_before_v19): nothing to do
                }
            }
            try (var rs = statement.executeQuery("SELECT COUNT(*) FROM audit_event_default")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    LOG.warn("Audit trail: {} rows in audit_event_default; move them into monthly partitions"
                            + " (docs/operations.md, \"Audit table partitioning\")", rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not maintain the audit table's partitions", e);
        }
        return created;
    }

    static String name(LocalDate month) {
        return "audit_event_" + month.format(DateTimeFormatter.ofPattern("yyyy_MM"));
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
