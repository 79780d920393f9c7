package fi.vointi.feedback;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The few facts about a unit that feedback needs, read straight from the organisation tables (V4). Kept
 * package-private and small: the organisation API itself lives in {@code fi.vointi.organization}.
 */
@Singleton
class FeedbackUnits {
    /**
     * @param serviceId the nearest ancestor of kind {@code service} (the unit itself if it is one), or null
     */
    record Unit(String id, String name, boolean active, boolean feedbackEnabled, @Nullable String serviceId) {
        boolean acceptsFeedback() {
            return active && feedbackEnabled;
        }
    }

    private final JdbcOperations jdbc;

    FeedbackUnits(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    Optional<Unit> find(String unitId) {
        if (unitId == null || unitId.isBlank() || unitId.length() > 64) {
            return Optional.empty();
        }
        return jdbc.prepareStatement("SELECT u.id, u.name, u.active, u.feedback_enabled,"
                + " (SELECT s.id FROM organization_closure c JOIN organization_unit s ON s.id = c.ancestor_id"
                + "   WHERE c.descendant_id = u.id AND s.kind = 'service' ORDER BY c.depth LIMIT 1) AS service_id"
                + " FROM organization_unit u WHERE u.id = ?", statement -> {
            statement.setString(1, unitId);
            try (var rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Unit(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                        rs.getString(5)));
            }
        });
    }
}
