package fi.vointi.invitations;

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
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Table {@code invitation}, with bound parameters only (the same SQL on H2 and PostgreSQL). */
@Singleton
public class InvitationStore {
    private static final String COLUMNS = "id, token_sha256, patient_id, questionnaire_url, questionnaire_version, unit_ref,"
            + " requester, status, created_at, expires_at, used_at, response_id, resource_json, draft_response_id";
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
     */
    public record Filter(boolean all, Set<String> patients, Set<String> units, List<List<String>> patientFilter,
                         List<List<String>> statusFilter) {
    }

    @Transactional
    public void insert(Invitation i) {
        jdbc.prepareStatement("INSERT INTO invitation (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
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
                + " resource_json = ? WHERE " + keyColumn + " = ? AND used_at IS NULL AND expires_at > ?", s -> {
            s.setTimestamp(1, Timestamp.from(now));
            s.setString(2, responseId);
            s.setString(3, resourceJson);
            s.setString(4, key);
            s.setTimestamp(5, Timestamp.from(now));
            return s.executeUpdate();
        });
        return changed == 1;
    }

    /** One page, newest first. */
    @Transactional(readOnly = true)
    public List<Invitation> search(Filter filter, int limit, int offset) {
        List<String> parameters = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM invitation WHERE " + where(filter, parameters)
                + " ORDER BY created_at DESC, id LIMIT " + limit + " OFFSET " + offset;
        return jdbc.prepareStatement(sql, s -> {
            bind(s, parameters);
            return rows(s);
        });
    }

    @Transactional(readOnly = true)
    public int count(Filter filter) {
        List<String> parameters = new ArrayList<>();
        return jdbc.prepareStatement("SELECT COUNT(*) FROM invitation WHERE " + where(filter, parameters), s -> {
            bind(s, parameters);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static String where(Filter filter, List<String> parameters) {
        List<String> conditions = new ArrayList<>();
        if (!filter.all()) {
            List<String> visible = new ArrayList<>();
            if (!filter.patients().isEmpty()) {
                visible.add(in("patient_id", filter.patients(), parameters));
            }
            if (!filter.units().isEmpty()) {
                visible.add(in("unit_ref", filter.units(), parameters));
            }
            conditions.add(visible.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", visible) + ")");
        }
        filter.patientFilter().forEach(values -> conditions.add(in("patient_id", values, parameters)));
        filter.statusFilter().forEach(values -> conditions.add(in("status", values, parameters)));
        return conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions);
    }

    private static String in(String column, Collection<String> values, List<String> parameters) {
        parameters.addAll(values);
        return column + " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")";
    }

    private static void bind(PreparedStatement statement, List<String> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setString(i + 1, parameters.get(i));
        }
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
                        rs.getString(14)));
            }
        }
        return found;
    }

    @Nullable
    private static Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
