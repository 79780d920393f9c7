package fi.vointi.support;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages one statement reads on PostgreSQL: the shared buffers (hit + read) of the plan's top node in
 * EXPLAIN (ANALYZE, BUFFERS), which counts everything below it. Run in a transaction that is rolled back, so that an
 * UPDATE or DELETE changes nothing. A statement that descends an index reads a handful of pages whatever the table's
 * size; one that scans the table (or walks a whole index) reads them all, more as the table grows.
 */
public final class PagesRead {
    /** The first Buffers line (the top node's); a cold cache gives {@code shared read=N} without any hit. */
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?");

    private PagesRead() {
    }

    /** The page count and the plan, for the assertion's message. */
    public record Plan(int pages, String text) {
        /** Fails unless at most {@code bound} pages were read; the message names the situation and shows the plan. */
        public Plan assertAtMost(int bound, String situation) {
            org.junit.jupiter.api.Assertions.assertTrue(pages <= bound,
                    pages + " pages read " + situation + ":\n" + text);
            return this;
        }
    }

    public static Plan of(DataSource dataSource, String sql, Object... parameters) {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    ps.setObject(i + 1, parameters[i]);
                }
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                Matcher buffers = BUFFERS.matcher(plan);
                if (!buffers.find()) {
                    throw new IllegalStateException("no Buffers line in the plan:\n" + plan);
                }
                int pages = count(buffers.group(1)) + count(buffers.group(2));
                return new Plan(pages, plan.toString());
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String group) {
        return group == null ? 0 : Integer.parseInt(group);
    }
}
