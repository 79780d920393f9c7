package fi.vointi.support;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct SQL against the test database, to check what was (or was not) stored. */
public final class Db {
    private Db() {
    }

    /** Whether the tests run against the PostgreSQL server ({@code -Dvointi.test.db=postgres}, .ci/run) or embedded H2. */
    public static boolean onPostgres() {
        return "postgres".equals(System.getProperty("vointi.test.db"));
    }

    public static long count(DataSource dataSource, String sql, Object... parameters) {
        try (Connection c = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One write (fixtures that set up what an API would have stored). */
    public static int update(DataSource dataSource, String sql, Object... parameters) {
        try (Connection c = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row, as strings. */
    public static java.util.List<String> strings(DataSource dataSource, String sql, Object... parameters) {
        return firstColumn(dataSource, sql, rs -> rs.getString(1), parameters);
    }

    /** The first column of every row, as bytes (binary columns, e.g. an Observation's packed JSON). */
    public static java.util.List<byte[]> bytes(DataSource dataSource, String sql, Object... parameters) {
        return firstColumn(dataSource, sql, rs -> rs.getBytes(1), parameters);
    }

    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> java.util.List<T> firstColumn(DataSource dataSource, String sql, Column<T> column,
                                                     Object... parameters) {
        try (Connection c = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            java.util.List<T> values = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(column.read(rs));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
