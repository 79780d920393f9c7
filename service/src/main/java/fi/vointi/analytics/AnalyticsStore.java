package fi.vointi.analytics;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The SQL reads behind the reports. Every figure comes from the monthly rollups joined to
 * {@code organization_closure} ("the unit and everything under it"), summed per unit, month and audience: the
 * atomic cells of {@link CellSuppression}. The primary keys (unit_id, local_date, …) serve these range scans.
 */
@Singleton
public class AnalyticsStore {
    private final JdbcOperations jdbc;
    private volatile Boolean invitationTable;

    public AnalyticsStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    public record Unit(String id, String parentId, String kind, String name) {
    }

    /** One unit's monthly rollup row for one audience ({@code month} = its first day). */
    public record DailyCounts(String unitId, LocalDate month, String audience, long responses, long promoters,
                              long passives, long detractors) {
    }

    /** @param counts the answers 1..5; {@code cantSay} the "can't say" answers, in none of them */
    public record StatementCounts(String unitId, LocalDate month, String audience, String statementId, long[] counts,
                                  long cantSay) {
    }

    public record AudienceChannelCounts(String unitId, LocalDate month, String audience, String channel, long count) {
    }

    public record ChannelCounts(String unitId, LocalDate day, String channel, long count) {
    }

    public record Visits(String unitId, LocalDate start, LocalDate end, long visits) {
    }

    public Optional<Unit> unit(String id) {
        return jdbc.prepareStatement("SELECT id, parent_id, kind, name FROM organization_unit WHERE id = ?", s -> {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(unitOf(rs)) : Optional.<Unit>empty();
            }
        });
    }

    /** The unit and every unit above it. */
    public Set<String> ancestors(String id) {
        return jdbc.prepareStatement("SELECT ancestor_id FROM organization_closure WHERE descendant_id = ?", s -> {
            s.setString(1, id);
            Set<String> ids = new LinkedHashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            ids.add(id);
            return ids;
        });
    }

    /** The unit and every unit under it, parents before children. */
    public Map<String, Unit> subtree(String rootId) {
        return jdbc.prepareStatement("SELECT u.id, u.parent_id, u.kind, u.name FROM organization_closure c"
                + " JOIN organization_unit u ON u.id = c.descendant_id WHERE c.ancestor_id = ? ORDER BY c.depth, u.id", s -> {
            s.setString(1, rootId);
            Map<String, Unit> units = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Unit unit = unitOf(rs);
                    units.put(unit.id(), unit);
                }
            }
            return units;
        });
    }

    /*
     * Reports read only the monthly rollups, per unit, month and audience: the atomic cells of CellSuppression.
     */

    public void monthlyCounts(String rootId, LocalDate from, LocalDate to, Collection<String> audiences,
                              Consumer<DailyCounts> sink) {
        sumRollup("", null, List.of("responses", "promoters", "passives", "detractors"), rootId, from, to, audiences,
                rs -> sink.accept(new DailyCounts(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getString(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))));
    }

    public void statementCounts(String rootId, LocalDate from, LocalDate to, Collection<String> audiences,
                                Consumer<StatementCounts> sink) {
        List<String> columns = List.of("c1", "c2", "c3", "c4", "c5", "cant_say");
        sumRollup("statement_", "statement_id", columns, rootId, from, to, audiences, rs -> {
            long[] counts = new long[5];
            for (int i = 0; i < 5; i++) {
                counts[i] = rs.getLong(5 + i);
            }
            sink.accept(new StatementCounts(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getString(3), rs.getString(4),
                    counts, rs.getLong(10)));
        });
    }

    public void channelCounts(String rootId, LocalDate from, LocalDate to, Collection<String> audiences,
                              Consumer<AudienceChannelCounts> sink) {
        sumRollup("channel_", "channel", List.of("responses"), rootId, from, to, audiences,
                rs -> sink.accept(new AudienceChannelCounts(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getString(3),
                        rs.getString(4), rs.getLong(5))));
    }

    /**
     * Sums of a monthly rollup's columns per unit, month, audience and {@code key} over the subtree of
     * {@code rootId}, the period and the audiences: columns unit_id, local_date, audience, [key,] then the sums.
     */
    private void sumRollup(String table, String key, List<String> summed, String rootId, LocalDate from, LocalDate to,
                           Collection<String> audiences, RowReader reader) {
        String keyColumn = key == null ? "" : ", d." + key;
        String sql = "SELECT d.unit_id, d.local_date, d.audience" + keyColumn
                + summed.stream().map(column -> ", SUM(d." + column + ")").collect(Collectors.joining())
                + " FROM organization_closure c JOIN feedback_" + table + "monthly d ON d.unit_id = c.descendant_id"
                + " WHERE c.ancestor_id = ? AND d.local_date BETWEEN ? AND ? AND d.audience IN (" + marks(audiences) + ")"
                + " GROUP BY d.unit_id, d.local_date, d.audience" + keyColumn;
        query(sql, rootId, from, to, audiences, reader);
    }

    /** Invitations issued (table {@code feedback_invitation_count}, owned by the feedback package); none without it. */
    public void invitationCounts(String rootId, LocalDate from, LocalDate to, Consumer<ChannelCounts> sink) {
        boolean byMonth = true;
        if (!hasInvitationTable()) {
            return;
        }
        String sql = "SELECT i.unit_id, " + dayKey(byMonth).replace("d.", "i.") + ", i.channel, SUM(i.issued)"
                + " FROM organization_closure c JOIN feedback_invitation_count i ON i.unit_id = c.descendant_id"
                + " WHERE c.ancestor_id = ? AND i.local_date BETWEEN ? AND ?"
                + " GROUP BY i.unit_id, " + dayKey(byMonth).replace("d.", "i.") + ", i.channel";
        query(sql, rootId, from, to, List.of(), rs -> sink.accept(new ChannelCounts(rs.getString(1), day(rs, byMonth),
                rs.getString(byMonth ? 4 : 3), rs.getLong(byMonth ? 5 : 4))));
    }

    public List<Visits> visits(String rootId, LocalDate from, LocalDate to) {
        List<Visits> visits = new ArrayList<>();
        query("SELECT v.unit_id, v.period_start, v.period_end, v.visits FROM organization_closure c"
                        + " JOIN feedback_visit v ON v.unit_id = c.descendant_id"
                        + " WHERE c.ancestor_id = ? AND v.period_start <= ? AND v.period_end >= ?",
                rootId, to, from, List.of(), rs -> visits.add(new Visits(rs.getString(1), rs.getDate(2).toLocalDate(),
                        rs.getDate(3).toLocalDate(), rs.getLong(4))));
        return visits;
    }

    /** Open-text comments of the subtree and period, in an order that reveals neither time nor unit. */
    public List<String> openTexts(String rootId, LocalDate from, LocalDate to, Collection<String> audiences) {
        List<String> texts = new ArrayList<>();
        query("SELECT f.open_text FROM organization_closure c JOIN feedback_fact f ON f.unit_id = c.descendant_id"
                        + " WHERE c.ancestor_id = ? AND f.local_date BETWEEN ? AND ? AND f.audience IN (" + marks(audiences) + ")"
                        + " AND f.open_text IS NOT NULL ORDER BY f.response_id",
                rootId, from, to, audiences, rs -> texts.add(rs.getString(1)));
        return texts;
    }

    private boolean hasInvitationTable() {
        Boolean known = invitationTable;
        if (known == null) {
            known = jdbc.execute(connection -> {
                // only in this service's own schema: a neighbour schema's table does not count
                try (ResultSet rs = connection.getMetaData().getTables(connection.getCatalog(), connection.getSchema(),
                        "feedback_invitation_count", null)) {
                    return rs.next();
                }
            });
            invitationTable = known;
        }
        return known;
    }

    private static String dayKey(boolean byMonth) {
        return byMonth ? "EXTRACT(YEAR FROM d.local_date), EXTRACT(MONTH FROM d.local_date)" : "d.local_date";
    }

    private static LocalDate day(ResultSet rs, boolean byMonth) throws SQLException {
        return byMonth ? LocalDate.of(rs.getInt(2), rs.getInt(3), 1) : rs.getDate(2).toLocalDate();
    }

    private static String marks(Collection<String> values) {
        return String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, String rootId, Object first, Object second, Collection<String> audiences, RowReader reader) {
        jdbc.prepareStatement(sql, s -> {
            int i = bindCommon(s, rootId, first, second);
            for (String audience : audiences) {
                s.setString(i++, audience);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
            return null;
        });
    }

    private static int bindCommon(PreparedStatement s, String rootId, Object first, Object second) throws SQLException {
        s.setString(1, rootId);
        s.setDate(2, Date.valueOf((LocalDate) first));
        s.setDate(3, Date.valueOf((LocalDate) second));
        return 4;
    }

    private static Unit unitOf(ResultSet rs) throws SQLException {
        return new Unit(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }
}
