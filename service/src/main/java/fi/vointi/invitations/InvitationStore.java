package fi.vointi.invitations;

import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.SqlWhere;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Table {@code invitation}, with bound parameters only (the same SQL on H2 and PostgreSQL). */
@Singleton
public class InvitationStore {
    private static final String COLUMNS = "id, token_sha256, patient_id, questionnaire_url, questionnaire_version, unit_ref,"
            + " requester, status, created_at, expires_at, used_at, response_id, resource_json, draft_response_id, last_updated";
    private final JdbcOperations jdbc;

    public InvitationStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Which invitations a search may return, and what it asks for.
     *
     * @param all           the caller may see every invitation (backend client with Task read scope)
     * @param patients      otherwise: invitations of these patients are visible
     * @param units         otherwise: invitations of these service units are visible
     * @param patientFilter each entry: the invitation's patient must be one of these (entries are ANDed)
     * @param statusFilter  each entry: the invitation's status must be one of these (entries are ANDed)
     * @param lastUpdated   each entry: {@code meta.lastUpdated} must lie in this range (entries are ANDed)
     */
    public record Filter(boolean all, Set<String> patients, Set<String> units, List<List<String>> patientFilter,
                         List<List<String>> statusFilter, List<DateRange> lastUpdated) {
        public Filter(boolean all, Set<String> patients, Set<String> units, List<List<String>> patientFilter,
                      List<List<String>> statusFilter) {
            this(all, patients, units, patientFilter, statusFilter, List.of());
        }
    }

    @Transactional
    public void insert(Invitation i) {
        jdbc.prepareStatement("INSERT INTO invitation (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, i.id());
            s.setString(2, i.tokenSha256());
            s.setString(3, i.patientId());
            s.setString(4, i.questionnaireUrl());
            s.setString(5, i.questionnaireVersion());
            s.setString(6, i.unitRef());
            s.setString(7, i.requester());
            s.setString(8, i.status());
            s.setTimestamp(9, Timestamp.from(i.createdAt()));
            s.setTimestamp(10, Timestamp.from(i.expiresAt()));
            s.setTimestamp(11, i.usedAt() == null ? null : Timestamp.from(i.usedAt()));
            s.setString(12, i.responseId());
            s.setString(13, i.resourceJson());
            s.setString(14, i.draftResponseId());
            s.setTimestamp(15, Timestamp.from(i.lastUpdated()));
            return s.executeUpdate();
        });
    }

    @Transactional(readOnly = true)
    public Optional<Invitation> find(String id) {
        return one("SELECT " + COLUMNS + " FROM invitation WHERE id = ?", id);
    }

    @Transactional(readOnly = true)
    public Optional<Invitation> findByToken(String tokenSha256) {
        return one("SELECT " + COLUMNS + " FROM invitation WHERE token_sha256 = ?", tokenSha256);
    }

    /**
     * Uses the link up: succeeds for exactly one caller, and only while the link is unused and unexpired. Run in
     * the transaction that stores the response, so that the two commit or roll back together.
     */
    @Transactional
    public boolean consume(String tokenSha256, Instant now, String responseId, String resourceJson) {
        return completeOnce("token_sha256", tokenSha256, now, responseId, resourceJson);
    }

    /** The invitation whose draft (in-progress response) is {@code responseId}. */
    @Transactional(readOnly = true)
    public Optional<Invitation> findByDraft(String responseId) {
        return one("SELECT " + COLUMNS + " FROM invitation WHERE draft_response_id = ?", responseId);
    }

    /** Records the draft answering an invitation, unless one is recorded already; true when this call recorded it. */
    @Transactional
    public boolean recordDraft(String id, String responseId) {
        return jdbc.prepareStatement("UPDATE invitation SET draft_response_id = ? WHERE id = ? AND draft_response_id IS NULL"
                + " AND used_at IS NULL", s -> {
            s.setString(1, responseId);
            s.setString(2, id);
            return s.executeUpdate();
        }) == 1;
    }

    /**
     * Completes the invitation {@code id} with its response (answered by the signed-in patient or guardian, not through
     * the link): like {@link #consume}, exactly once and only while unused and unexpired; the link is used up too.
     */
    @Transactional
    public boolean complete(String id, Instant now, String responseId, String resourceJson) {
        return completeOnce("id", id, now, responseId, resourceJson);
    }

    /** The one conditional update both ways of answering use; {@code keyColumn} is a column name from this class only. */
    private boolean completeOnce(String keyColumn, String key, Instant now, String responseId, String resourceJson) {
        int changed = jdbc.prepareStatement("UPDATE invitation SET used_at = ?, status = 'completed', response_id = ?,"
                + " resource_json = ?, last_updated = ? WHERE " + keyColumn + " = ? AND used_at IS NULL AND expires_at > ?", s -> {
            s.setTimestamp(1, Timestamp.from(now));
            s.setString(2, responseId);
            s.setString(3, resourceJson);
            s.setTimestamp(4, Timestamp.from(now));
            s.setString(5, key);
            s.setTimestamp(6, Timestamp.from(now));
            return s.executeUpdate();
        });
        return changed == 1;
    }

    /** One page, newest first. */
    @Transactional(readOnly = true)
    public List<Invitation> search(Filter filter, int limit, int offset) {
        SqlWhere where = where(filter);
        String sql = "SELECT " + COLUMNS + " FROM invitation" + where.sql()
                + " ORDER BY created_at DESC, id LIMIT " + limit + " OFFSET " + offset;
        return jdbc.prepareStatement(sql, s -> {
            SqlWhere.bind(s, where.parameters());
            return rows(s);
        });
    }

    @Transactional(readOnly = true)
    public int count(Filter filter) {
        SqlWhere where = where(filter);
        return jdbc.prepareStatement("SELECT COUNT(*) FROM invitation" + where.sql(), s -> {
            SqlWhere.bind(s, where.parameters());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static SqlWhere where(Filter filter) {
        SqlWhere where = new SqlWhere();
        if (!filter.all()) {
            SqlWhere visible = new SqlWhere();
            if (!filter.patients().isEmpty()) {
                visible.add("patient_id IN (" + SqlWhere.placeholders(filter.patients().size()) + ")", filter.patients().toArray());
            }
            if (!filter.units().isEmpty()) {
                visible.add("unit_ref IN (" + SqlWhere.placeholders(filter.units().size()) + ")", filter.units().toArray());
            }
            where.add(visible.parameters().isEmpty() ? "1 = 0" : visible.joined(" OR "), visible.parameters().toArray());
        }
        filter.patientFilter().forEach(values ->
                where.add("patient_id IN (" + SqlWhere.placeholders(values.size()) + ")", values.toArray()));
        filter.statusFilter().forEach(values ->
                where.add("status IN (" + SqlWhere.placeholders(values.size()) + ")", values.toArray()));
        filter.lastUpdated().forEach(range -> range.addTo(where, "last_updated"));
        return where;
    }

    private Optional<Invitation> one(String sql, String parameter) {
        return jdbc.prepareStatement(sql, s -> {
            s.setString(1, parameter);
            return rows(s).stream().findFirst();
        });
    }

    private static List<Invitation> rows(PreparedStatement statement) throws SQLException {
        List<Invitation> found = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                found.add(new Invitation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), instant(rs.getTimestamp(9)),
                        instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), rs.getString(12), rs.getString(13),
                        rs.getString(14), instant(rs.getTimestamp(15))));
            }
        }
        return found;
    }

    @Nullable
    private static Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
