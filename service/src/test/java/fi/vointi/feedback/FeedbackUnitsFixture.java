package fi.vointi.feedback;


import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Units for feedback tests, written straight into the V4 organisation tables (the Organization API is built
 * elsewhere): a service with one unit under it, plus closure rows.
 */
final class FeedbackUnitsFixture {
    private FeedbackUnitsFixture() {
    }

    /** A fresh service and a unit under it; returns the unit id. The service id is {@code "svc-" + unit id}. */
    static String unit(DataSource dataSource, boolean active, boolean feedbackEnabled) {
        String unit = "u-" + UUID.randomUUID();
        String service = "svc-" + unit;
        insert(dataSource, service, null, "service", "Palvelu " + service, true, true);
        insert(dataSource, unit, service, "unit", "Terveysasema <Testi> & Co", active, feedbackEnabled);
        closure(dataSource, service, service, 0);
        closure(dataSource, unit, unit, 0);
        closure(dataSource, service, unit, 1);
        return unit;
    }

    static void setFeedbackEnabled(DataSource dataSource, String unit, boolean enabled) {
        update(dataSource, "UPDATE organization_unit SET feedback_enabled = ? WHERE id = ?", enabled, unit);
    }

    private static void insert(DataSource dataSource, String id, String parent, String kind, String name, boolean active,
                               boolean feedbackEnabled) {
        update(dataSource, "INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id,"
                        + " last_updated, resource_json) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)", id, parent, kind, name, active,
                feedbackEnabled, Timestamp.from(Instant.now()), "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\"}");
    }

    private static void closure(DataSource dataSource, String ancestor, String descendant, int depth) {
        update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, ?)",
                ancestor, descendant, depth);
    }

    static void update(DataSource dataSource, String sql, Object... parameters) {
        fi.vointi.support.Db.update(dataSource, sql, parameters);
    }
}
