package fi.vointi.responses;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.util.List;

/**
 * The transactional writes: table {@code questionnaire_response} holds the current version and
 * {@code questionnaire_response_history} only the superseded ones (a create writes one row; an update moves the version
 * it replaces to history), and each write commits whole or not at all, so a 201 means the response is durably stored
 * and a failure leaves nothing half-written. Listeners derive their data (Observations, feedback figures) inside the
 * same transaction.
 */
@Singleton
public class ResponseStore {
    /**
     * A new response's row, bound by hand like the Observations' rows: every create runs it, and Micronaut Data's
     * entity path (introspection, conversion per parameter) was ~3 % of a create's CPU (issue 19).
     */
    static final String INSERT = "INSERT INTO questionnaire_response (id, version_id, questionnaire_url,"
            + " questionnaire_version, status, subject_type, subject_id, authored, identifier_system, identifier_value,"
            + " unit_ref, last_updated, resource_json, shared, closed_to_guardians)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final ResponseRepository responses;
    private final ResponseVersionRepository versions;
    private final List<ResponseWriteListener> listeners;
    private final JdbcOperations jdbc;

    public ResponseStore(ResponseRepository responses, ResponseVersionRepository versions,
                         List<ResponseWriteListener> listeners, JdbcOperations jdbc) {
        this.responses = responses;
        this.versions = versions;
        this.listeners = listeners;
        this.jdbc = jdbc;
    }

    @Transactional
    public void insert(ResponseWrite write) {
        StoredResponse row = write.row();
        jdbc.prepareStatement(INSERT, s -> {
            s.setString(1, row.id());
            s.setInt(2, row.versionId());
            s.setString(3, row.questionnaireUrl());
            s.setString(4, row.questionnaireVersion());
            s.setString(5, row.status());
            s.setString(6, row.subjectType());
            s.setString(7, row.subjectId());
            s.setTimestamp(8, Timestamp.from(row.authored()));
            s.setString(9, row.identifierSystem());
            s.setString(10, row.identifierValue());
            s.setString(11, row.unitRef());
            s.setTimestamp(12, Timestamp.from(row.lastUpdated()));
            s.setString(13, row.resourceJson());
            s.setBoolean(14, row.shared());
            s.setBoolean(15, row.closedToGuardians());
            return s.executeUpdate();
        });
        notifyListeners(write);
    }

    /**
     * Replaces {@code previous} (the version the writer read) and moves it to history.
     *
     * @return false when another writer changed the row since {@code previous} was read
     */
    @Transactional
    public boolean update(ResponseWrite write, StoredResponse previous) {
        StoredResponse row = write.row();
        long changed = responses.updateIfVersion(row.id(), previous.versionId(), row.versionId(), row.status(),
                row.authored(), row.identifierSystem(), row.identifierValue(), row.unitRef(), row.lastUpdated(),
                row.resourceJson(), row.closedToGuardians());
        if (changed == 0) {
            return false;
        }
        // the conditional update matched previous's version, so previous is exactly the version replaced
        versions.insert(historyOf(previous));
        notifyListeners(write);
        return true;
    }

    private void notifyListeners(ResponseWrite write) {
        for (ResponseWriteListener listener : listeners) {
            listener.written(write);
        }
    }

    private static ResponseVersion historyOf(StoredResponse row) {
        return new ResponseVersion(row.id(), row.versionId(), row.status(), row.lastUpdated(), row.resourceJson());
    }
}
