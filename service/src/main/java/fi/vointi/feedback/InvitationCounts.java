package fi.vointi.feedback;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Date;
import java.time.LocalDate;

/**
 * {@code feedback_invitation_count}: channel tokens issued per unit, Helsinki day and channel. The increment is
 * race-safe on H2 and PostgreSQL alike: the row is first made to exist (insert that ignores a conflict), then
 * incremented by an UPDATE, which locks the row, so concurrent issues never lose a count.
 */
@Singleton
class InvitationCounts {
    private final JdbcOperations jdbc;

    InvitationCounts(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    void increment(String unitId, LocalDate day, String channel, int by) {
        jdbc.prepareStatement("INSERT INTO feedback_invitation_count (unit_id, local_date, channel, issued)"
                + " VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING", statement -> {
            statement.setString(1, unitId);
            statement.setDate(2, Date.valueOf(day));
            statement.setString(3, channel);
            return statement.executeUpdate();
        });
        jdbc.prepareStatement("UPDATE feedback_invitation_count SET issued = issued + ?"
                + " WHERE unit_id = ? AND local_date = ? AND channel = ?", statement -> {
            statement.setLong(1, by);
            statement.setString(2, unitId);
            statement.setDate(3, Date.valueOf(day));
            statement.setString(4, channel);
            return statement.executeUpdate();
        });
    }
}
