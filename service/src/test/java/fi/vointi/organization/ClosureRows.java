package fi.vointi.organization;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads closure pairs straight from the database, for checks after writes. */
final class ClosureRows {
    /** SQL: how many closure pairs differ from those computed from organization_unit.parent_id (0 when true). */
    static final String DIFFERENCES_FROM_PARENT_LINKS = """
            WITH RECURSIVE walk (ancestor_id, descendant_id, depth) AS (
                SELECT id, id, 0 FROM organization_unit
                UNION ALL
                SELECT u.parent_id, w.descendant_id, w.depth + 1 FROM walk w JOIN organization_unit u ON u.id = w.ancestor_id
                WHERE u.parent_id IS NOT NULL)
            SELECT COUNT(*) FROM (
                (SELECT ancestor_id, descendant_id, depth FROM walk EXCEPT SELECT ancestor_id, descendant_id, depth FROM organization_closure)
                UNION ALL
                (SELECT ancestor_id, descendant_id, depth FROM organization_closure EXCEPT SELECT ancestor_id, descendant_id, depth FROM walk)) diff
            """;

    private final DataSource dataSource;

    ClosureRows(DataSource dataSource) {
        this.dataSource = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** "ancestor:depth" for every ancestor of {@code id} including itself, nearest first. */
    List<String> ancestry(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT ancestor_id, depth FROM organization_closure WHERE descendant_id = ? ORDER BY depth")) {
            ps.setString(1, id);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + ":" + rs.getInt(2));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
