package fi.vointi.ops;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Runs a scheduled job once in the whole cluster, however many instances share the database (issue 18). Every instance
 * schedules the job; at the appointed time each asks for the job's lease in table {@code cluster_lock} and only the
 * one whose UPDATE moved {@code locked_until} from the past into the future runs it (the row lock makes that exactly
 * one). Times are the database's, so instances whose clocks differ still agree.
 *
 * <p>The lease lasts {@code atMostFor} (a crashed instance's lease runs out by itself) and, once the job is done, is
 * kept until {@code atLeastFor} after the start: an instance that comes to the same run a little late (a clock behind,
 * a slow start-up) finds it still taken instead of running the job a second time. So {@code atLeastFor} must be longer
 * than the clocks can differ and shorter than the interval of the job. Plain JDBC in autocommit, outside the caller's
 * transaction: the lease must be visible to the other instances while the job runs.
 */
@Singleton
public class ClusterLock {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLock.class);
    private final DataSource dataSource;
    /** This instance: host and process, and a random part for the rare two contexts in one process (tests). */
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    ClusterLock(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /**
     * Runs the task if this instance gets the job's lease.
     *
     * @return true when it ran here, false when another instance holds or recently held the lease
     */
    public boolean runOnce(String job, Duration atMostFor, Duration atLeastFor, Runnable task) {
        OffsetDateTime lockedAt;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            lockedAt = now(connection);
            if (!acquire(connection, job, lockedAt, lockedAt.plus(atMostFor))) {
                LOG.info("Job {} skipped: another instance holds its lease", job);
                return false;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not ask for the lease of job " + job, e);
        }
        try {
            task.run();
            return true;
        } finally {
            release(job, lockedAt, atLeastFor);
        }
    }

    private boolean acquire(Connection connection, String job, OffsetDateTime now, OffsetDateTime until) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO cluster_lock (name, locked_until, locked_at,"
                + " locked_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, job);
            insert.setObject(2, until);
            insert.setObject(3, now);
            insert.setString(4, instance);
            if (insert.executeUpdate() == 1) {
                return true;
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE cluster_lock SET locked_until = ?, locked_at = ?,"
                + " locked_by = ? WHERE name = ? AND locked_until <= ?")) {
            update.setObject(1, until);
            update.setObject(2, now);
            update.setString(3, instance);
            update.setString(4, job);
            update.setObject(5, now);
            return update.executeUpdate() == 1;
        }
    }

    private void release(String job, OffsetDateTime lockedAt, Duration atLeastFor) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            OffsetDateTime now = now(connection);
            OffsetDateTime keepUntil = lockedAt.plus(atLeastFor);
            try (PreparedStatement update = connection.prepareStatement("UPDATE cluster_lock SET locked_until = ?"
                    + " WHERE name = ? AND locked_by = ?")) {
                update.setObject(1, now.isAfter(keepUntil) ? now : keepUntil);
                update.setString(2, job);
                update.setString(3, instance);
                update.executeUpdate();
            }
        } catch (SQLException e) {
            // the lease then simply runs out at locked_until (atMostFor)
            LOG.warn("Could not release the lease of job {}: {}", job, e.toString());
        }
    }

    private static OffsetDateTime now(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT CURRENT_TIMESTAMP");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    /** Who holds the job's lease now (for operators and tests); null when nobody ever did. */
    public String holder(String job) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT locked_by FROM cluster_lock WHERE name = ?")) {
            statement.setString(1, job);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String instance() {
        return instance;
    }
}
