package fi.vointi.bulk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Where export files live between the job that writes them and the client that downloads them. The local folder
 * ({@link LocalFolderExportStore}) is the default; an S3-compatible object store is another implementation of these
 * four calls, chosen by {@code vointi.bulk.store} (docs/bulk-export.md). Files are always served through the
 * download endpoint, never by a store's own URL, so the client check stays in one place.
 */
public interface ExportStore {

    /** Opens a file of the job for writing, replacing one of the same name (a half-written file of a dead instance). */
    OutputStream create(String jobId, String name) throws IOException;

    /** Opens a finished file for reading; empty when it is not there. */
    Optional<InputStream> open(String jobId, String name) throws IOException;

    /** Deletes every file of the job; nothing happens when there are none. */
    void deleteJob(String jobId) throws IOException;

    /** Whether the job has any file in the store (operators and tests). */
    boolean hasFiles(String jobId) throws IOException;
}
