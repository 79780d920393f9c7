package fi.vointi.organization;

import io.micronaut.data.jdbc.runtime.JdbcOperations;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Plain JDBC with bound parameters, inside the caller's transaction. */
final class Sql {
    private final JdbcOperations jdbc;

    Sql(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    int update(String sql, Object... parameters) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, java.util.Arrays.asList(parameters));
            return statement.executeUpdate();
        });
    }

    <T> List<T> list(String sql, List<?> parameters, RowMapper<T> mapper) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        });
    }

    <T> List<T> list(String sql, RowMapper<T> mapper, Object... parameters) {
        return list(sql, java.util.Arrays.asList(parameters), mapper);
    }

    <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... parameters) {
        return list(sql, mapper, parameters).stream().findFirst();
    }

    long count(String sql, Object... parameters) {
        return list(sql, rs -> rs.getLong(1), parameters).get(0);
    }

    static String placeholders(Collection<?> values) {
        return values.isEmpty() ? "NULL" : String.join(", ", Collections.nCopies(values.size(), "?"));
    }

    private static void bind(PreparedStatement statement, List<?> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }
}
