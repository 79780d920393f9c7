package fi.vointi.analytics;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Organisation units for analytics tests, written by SQL (the Organization API is another package's work). */
final class OrgFixture {
    private final DataSource dataSource;
    private final Map<String, String> parents = new HashMap<>();

    OrgFixture(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** Adds a unit under {@code parentId} (null for a county) with its closure rows. */
    OrgFixture unit(String id, String parentId, String kind) {
        parents.put(id, parentId);
        List<String> ancestors = new ArrayList<>();
        for (String a = id; a != null; a = parents.get(a)) {
            ancestors.add(a);
        }
        execute("INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id, last_updated,"
                + " resource_json) VALUES (?, ?, ?, ?, true, true, 1, ?, ?)", id, parentId, kind, "Name of " + id,
                Timestamp.from(Instant.now()), "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\"}");
        for (int depth = 0; depth < ancestors.size(); depth++) {
            execute("INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, ?)",
                    ancestors.get(depth), id, depth);
        }
        return this;
    }

    void execute(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
