package fi.vointi.observations;

import fi.vointi.security.AccessPolicy;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code observation} (current versions) and {@code observation_history} (superseded versions: a version
 * moves there when a newer one replaces it, so a first extraction writes each Observation once). Writes run
 * inside the caller's transaction (the response write), with bound parameters only. The JSON is stored packed
 * ({@link PackedObservationJson}, column {@code resource}).
 */
@Singleton
class ObservationStore {
    /** The observation row joined to its response: who may read an Observation follows from the response. */
    static final String JOINED = " FROM observation o JOIN questionnaire_response r ON r.id = o.response_id";
    private static final String SELECT = "SELECT o.id, o.version_id, o.response_id, o.score_key, o.status, o.resource,"
            + " r.subject_type, r.subject_id, r.unit_ref, r.shared, r.closed_to_guardians" + JOINED;

    private final JdbcOperations jdbc;

    ObservationStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** What one new or replacing version writes. */
    record Write(String id, int versionId, String responseId, int responseVersion, String scoreKey, String status,
                 String code, String subjectType, String subjectId, Instant effective, Instant lastUpdated,
                 String resourceJson, Reporter reporter) {
    }

    /** Inserts new Observations: one batched statement whatever the count. */
    void insertAll(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("INSERT INTO observation (id, version_id, response_id, response_version, score_key, status,"
                + " code_system, code, subject_type, subject_id, effective, last_updated, resource, reporter)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            for (Write w : writes) {
                s.setString(1, w.id());
                s.setInt(2, w.versionId());
                s.setString(3, w.responseId());
                s.setInt(4, w.responseVersion());
                s.setString(5, w.scoreKey());
                s.setString(6, w.status());
                s.setString(7, ScoreCodes.SCORE_SYSTEM);
                s.setString(8, w.code());
                s.setString(9, w.subjectType());
                s.setString(10, w.subjectId());
                s.setTimestamp(11, Timestamp.from(w.effective()));
                s.setTimestamp(12, Timestamp.from(w.lastUpdated()));
                s.setBytes(13, PackedObservationJson.pack(w.resourceJson()));
                s.setString(14, w.reporter().code());
                s.addBatch();
            }
            return s.executeBatch();
        });
    }

    /** Replaces the current version, which moves to history; false when it is no longer {@code versionId - 1}. */
    boolean replace(Write w) {
        int moved = jdbc.prepareStatement("INSERT INTO observation_history (id, version_id, status, last_updated, resource)"
                + " SELECT id, version_id, status, last_updated, resource FROM observation WHERE id = ? AND version_id = ?", s -> {
            s.setString(1, w.id());
            s.setInt(2, w.versionId() - 1);
            return s.executeUpdate();
        });
        if (moved != 1) {
            return false;
        }
        int changed = jdbc.prepareStatement("UPDATE observation SET version_id = ?, response_version = ?, status = ?,"
                + " subject_type = ?, subject_id = ?, effective = ?, last_updated = ?, resource = ?, reporter = ?"
                + " WHERE id = ? AND version_id = ?", s -> {
            s.setInt(1, w.versionId());
            s.setInt(2, w.responseVersion());
            s.setString(3, w.status());
            s.setString(4, w.subjectType());
            s.setString(5, w.subjectId());
            s.setTimestamp(6, Timestamp.from(w.effective()));
            s.setTimestamp(7, Timestamp.from(w.lastUpdated()));
            s.setBytes(8, PackedObservationJson.pack(w.resourceJson()));
            s.setString(9, w.reporter().code());
            s.setString(10, w.id());
            s.setInt(11, w.versionId() - 1);
            return s.executeUpdate();
        });
        return changed == 1;
    }

    List<StoredObservation> ofResponse(String responseId) {
        return query(SELECT + " WHERE o.response_id = ? ORDER BY o.score_key", responseId);
    }

    Optional<StoredObservation> find(String id) {
        return query(SELECT + " WHERE o.id = ?", id).stream().findFirst();
    }

    Optional<String> version(String id, int versionId) {
        return jdbc.prepareStatement("SELECT resource FROM observation WHERE id = ? AND version_id = ?"
                + " UNION ALL SELECT resource FROM observation_history WHERE id = ? AND version_id = ?", s -> {
            s.setString(1, id);
            s.setInt(2, versionId);
            s.setString(3, id);
            s.setInt(4, versionId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(PackedObservationJson.unpack(rs.getBytes(1))) : Optional.empty();
            }
        });
    }

    List<StoredObservation> query(String sql, Object... parameters) {
        return jdbc.prepareStatement(sql, s -> {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            List<StoredObservation> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        });
    }

    static StoredObservation row(ResultSet rs) throws SQLException {
        return new StoredObservation(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                PackedObservationJson.unpack(rs.getBytes(6)), new AccessPolicy.ResponseFacts(rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getBoolean(10), rs.getBoolean(11)));
    }
}
