package fi.vointi.responses;

import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

/**
 * The transactional writes: the current row and its history row commit together or not at all, so a
 * 201 means the response is durably stored and a failure leaves nothing half-written.
 */
@Singleton
public class ResponseStore {
    private final ResponseRepository responses;
    private final ResponseVersionRepository versions;

    public ResponseStore(ResponseRepository responses, ResponseVersionRepository versions) {
        this.responses = responses;
        this.versions = versions;
    }

    @Transactional
    public void insert(StoredResponse row) {
        responses.insert(row);
        versions.insert(historyOf(row));
    }

    /** @return false when another writer changed the row since {@code expectedVersionId} */
    @Transactional
    public boolean update(StoredResponse row, int expectedVersionId) {
        long changed = responses.updateIfVersion(row.id(), expectedVersionId, row.versionId(), row.status(),
                row.authored(), row.identifierSystem(), row.identifierValue(), row.unitRef(), row.lastUpdated(),
                row.resourceJson());
        if (changed == 0) {
            return false;
        }
        versions.insert(historyOf(row));
        return true;
    }

    private static ResponseVersion historyOf(StoredResponse row) {
        return new ResponseVersion(row.id(), row.versionId(), row.status(), row.lastUpdated(), row.resourceJson());
    }
}
