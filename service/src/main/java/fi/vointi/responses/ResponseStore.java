package fi.vointi.responses;

import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

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
    private final ResponseRepository responses;
    private final ResponseVersionRepository versions;
    private final List<ResponseWriteListener> listeners;

    public ResponseStore(ResponseRepository responses, ResponseVersionRepository versions,
                         List<ResponseWriteListener> listeners) {
        this.responses = responses;
        this.versions = versions;
        this.listeners = listeners;
    }

    @Transactional
    public void insert(ResponseWrite write) {
        StoredResponse row = write.row();
        responses.insert(row);
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
