package fi.vointi.bulk;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Export files in a local folder, {@code <vointi.bulk.directory>/<jobId>/<name>}. With several instances the folder
 * must be shared (a network volume), since any instance may run a job and any may serve the download.
 */
@Singleton
@Requires(property = "vointi.bulk.store", value = "local", defaultValue = "local")
public class LocalFolderExportStore implements ExportStore {
    /** Job ids are our UUIDs and names our own "Type-n.ndjson": anything else never reaches the file system. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private final Path root;

    LocalFolderExportStore(BulkExportConfiguration configuration) {
        this.root = configuration.getDirectory().toAbsolutePath().normalize();
    }

    @Override
    public OutputStream create(String jobId, String name) throws IOException {
        Path folder = folder(jobId);
        Files.createDirectories(folder);
        return Files.newOutputStream(file(folder, name));
    }

    @Override
    public Optional<InputStream> open(String jobId, String name) throws IOException {
        try {
            return Optional.of(Files.newInputStream(file(folder(jobId), name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void deleteJob(String jobId) throws IOException {
        Path folder = folder(jobId);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Override
    public boolean hasFiles(String jobId) throws IOException {
        Path folder = folder(jobId);
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().isPresent();
        }
    }

    private Path folder(String jobId) {
        return root.resolve(safe(jobId));
    }

    private static Path file(Path folder, String name) {
        return folder.resolve(safe(name));
    }

    /** A job id or file name checked before it reaches a path or an object key. */
    static String safe(String part) {
        if (!SAFE.matcher(part).matches() || part.contains("..")) {
            throw new IllegalArgumentException("Not a name of an export file: " + part);
        }
        return part;
    }
}
