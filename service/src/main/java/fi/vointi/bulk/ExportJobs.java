package fi.vointi.bulk;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tables {@code bulk_export_job} and {@code bulk_export_file} (V22). Plain JDBC in autocommit, outside any
 * request transaction: a lease and a finished file must be visible to the other instances at once. Lease times are
 * the database's, so instances whose clocks differ still agree (as {@link fi.vointi.ops.ClusterLock}).
 */
@Singleton
public class ExportJobs {
    public static final String IN_PROGRESS = "in-progress";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    private final DataSource dataSource;

    ExportJobs(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    public record Job(String id, String clientId, String scopes, String requestUrl, String groupId, List<String> types,
                      Instant since, Instant transactionTime, String status, List<String> typesDone, String error,
                      Instant finishedAt) {
    }

    public record ExportFile(String jobId, int seq, String type, String name, long lines, long bytes, String lastKey,
                             String writtenBy) {
    }

    /** Stores a new job in progress; its transaction time is the database's now. */
    public Job create(String id, String clientId, String scopes, String requestUrl, String groupId, List<String> types,
                      Instant since) {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bulk_export_job (id, client_id, scopes,"
                    + " request_url, group_id, types, since, transaction_time, status, types_done, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)")) {
                insert.setString(1, id);
                insert.setString(2, clientId);
                insert.setString(3, scopes);
                insert.setString(4, requestUrl);
                insert.setString(5, groupId);
                insert.setString(6, String.join(",", types));
                setInstant(insert, 7, since);
                insert.setObject(8, now);
                insert.setString(9, IN_PROGRESS);
                insert.setObject(10, now);
                insert.executeUpdate();
            }
            return find(id).orElseThrow();
        });
    }

    public Optional<Job> find(String id) {
        return withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id, client_id, scopes, request_url, group_id, types,"
                    + " since, transaction_time, status, types_done, error, finished_at FROM bulk_export_job WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), split(rs.getString(6)), instant(rs, 7), instant(rs, 8), rs.getString(9),
                            split(rs.getString(10)), rs.getString(11), instant(rs, 12)));
                }
            }
        });
    }

    /** Jobs in progress whose lease ran out or was never taken: new ones, and those of a dead instance. */
    public List<String> unleased() {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM bulk_export_job WHERE status = ?"
                    + " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY created_at")) {
                select.setString(1, IN_PROGRESS);
                select.setObject(2, now);
                return strings(select);
            }
        });
    }

    /** Takes the job's lease for {@code owner} when nobody holds it; true when this call got it. */
    public boolean claim(String id, String owner, Duration lease) {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET lease_owner = ?, lease_until = ?"
                    + " WHERE id = ? AND status = ? AND (lease_until IS NULL OR lease_until <= ?)")) {
                update.setString(1, owner);
                update.setObject(2, now.plus(lease));
                update.setString(3, id);
                update.setString(4, IN_PROGRESS);
                update.setObject(5, now);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Extends the lease; false when the job was cancelled or another instance took it over (the caller stops). */
    public boolean renew(String id, String owner, Duration lease) {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET lease_until = ?"
                    + " WHERE id = ? AND lease_owner = ? AND status = ?")) {
                update.setObject(1, now.plus(lease));
                update.setString(2, id);
                update.setString(3, owner);
                update.setString(4, IN_PROGRESS);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease up at once (an instance shutting down), so that another instance need not wait for it to run out. */
    public void release(String id, String owner) {
        withConnection(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET lease_until = NULL"
                    + " WHERE id = ? AND lease_owner = ? AND status = ?")) {
                update.setString(1, id);
                update.setString(2, owner);
                update.setString(3, IN_PROGRESS);
                return update.executeUpdate();
            }
        });
    }

    /** Records a finished file and renews the lease in one statement pair; false when the lease is no longer ours. */
    public boolean fileFinished(ExportFile file, Duration lease) {
        return withConnection(c -> {
            c.setAutoCommit(false);
            try {
                if (!renewIn(c, file.jobId(), file.writtenBy(), lease)) {
                    c.rollback();
                    return false;
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO bulk_export_file (job_id, seq, resource_type,"
                        + " name, lines, bytes, last_key, written_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, file.jobId());
                    insert.setInt(2, file.seq());
                    insert.setString(3, file.type());
                    insert.setString(4, file.name());
                    insert.setLong(5, file.lines());
                    insert.setLong(6, file.bytes());
                    insert.setString(7, file.lastKey());
                    insert.setString(8, file.writtenBy());
                    insert.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** Marks one resource type as fully written. */
    public boolean typeDone(String id, String owner, String type, List<String> doneBefore) {
        List<String> done = new ArrayList<>(doneBefore);
        done.add(type);
        return withConnection(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET types_done = ?"
                    + " WHERE id = ? AND lease_owner = ? AND status = ?")) {
                update.setString(1, String.join(",", done));
                update.setString(2, id);
                update.setString(3, owner);
                update.setString(4, IN_PROGRESS);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Ends a job in progress that this instance runs: completed, or failed with a message for the client. */
    public boolean finish(String id, String owner, String status, String error) {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET status = ?, error = ?,"
                    + " finished_at = ?, lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = ?")) {
                update.setString(1, status);
                update.setString(2, error);
                update.setObject(3, now);
                update.setString(4, id);
                update.setString(5, owner);
                update.setString(6, IN_PROGRESS);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Cancels (in progress) or discards (finished) a job: it answers 404 from now on; its files go at once. */
    public boolean cancel(String id) {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET status = ?, finished_at = ?,"
                    + " lease_until = NULL WHERE id = ? AND status <> ?")) {
                update.setString(1, CANCELLED);
                update.setObject(2, now);
                update.setString(3, id);
                update.setString(4, CANCELLED);
                boolean cancelled = update.executeUpdate() == 1;
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM bulk_export_file WHERE job_id = ?")) {
                    delete.setString(1, id);
                    delete.executeUpdate();
                }
                return cancelled;
            }
        });
    }

    /** Finished jobs (any end) whose retention ran out. */
    public List<String> expired(Duration retention) {
        return withConnection(c -> {
            OffsetDateTime now = now(c);
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM bulk_export_job WHERE status <> ?"
                    + " AND finished_at <= ?")) {
                select.setString(1, IN_PROGRESS);
                select.setObject(2, now.minus(retention));
                return strings(select);
            }
        });
    }

    /** Removes the job and its file rows (after its files were deleted from the store). */
    public void delete(String id) {
        withConnection(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM bulk_export_job WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate();
            }
        });
    }

    /** The job's finished files in the order they were written. */
    public List<ExportFile> files(String jobId) {
        return withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT job_id, seq, resource_type, name, lines, bytes,"
                    + " last_key, written_by FROM bulk_export_file WHERE job_id = ? ORDER BY seq")) {
                select.setString(1, jobId);
                List<ExportFile> files = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        files.add(new ExportFile(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                                rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8)));
                    }
                }
                return files;
            }
        });
    }

    private boolean renewIn(Connection c, String id, String owner, Duration lease) throws SQLException {
        OffsetDateTime now = now(c);
        try (PreparedStatement update = c.prepareStatement("UPDATE bulk_export_job SET lease_until = ?"
                + " WHERE id = ? AND lease_owner = ? AND status = ?")) {
            update.setObject(1, now.plus(lease));
            update.setString(2, id);
            update.setString(3, owner);
            update.setString(4, IN_PROGRESS);
            return update.executeUpdate() == 1;
        }
    }

    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T withConnection(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Bulk export job table: " + e.getMessage(), e);
        }
    }

    static OffsetDateTime now(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT CURRENT_TIMESTAMP");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private static List<String> strings(PreparedStatement select) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, value.atOffset(ZoneOffset.UTC));
        }
    }
}
