package fi.vointi.bulk;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Export files as objects {@code <prefix><jobId>/<name>} in an S3-compatible bucket ({@code vointi.bulk.store=s3}).
 * A file is written to a local spool file first and uploaded with one PUT when it is closed: a file is at most
 * {@code vointi.bulk.max-file-bytes} (256 MB by default, far below S3's 5 GB for one PUT), nothing of it is held in
 * memory, and an object appears whole or not at all (S3 has no append). Downloads stream the object through the
 * service's own endpoint, so the client check stays where it is for the local folder.
 */
@Singleton
@Requires(property = "vointi.bulk.store", value = "s3")
public class S3ExportStore implements ExportStore {
    private static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path spool;

    S3ExportStore(S3StoreConfiguration configuration, BulkExportConfiguration bulk) {
        if (configuration.getBucket() == null || configuration.getBucket().isBlank()) {
            throw new ConfigurationException("vointi.bulk.store is s3 but vointi.bulk.s3.bucket is not set");
        }
        if (bulk.getMaxFileBytes() >= MAX_SINGLE_PUT) {
            throw new ConfigurationException("vointi.bulk.max-file-bytes must stay below 5 GB with the s3 store (one PUT per file)");
        }
        this.bucket = configuration.getBucket();
        this.prefix = configuration.getPrefix();
        this.spool = configuration.getSpoolDirectory().toAbsolutePath().normalize();
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(configuration.getRegion()))
                .forcePathStyle(configuration.isPathStyle());
        if (configuration.getEndpoint() != null && !configuration.getEndpoint().toString().isBlank()) {
            // S3-compatible servers commonly lack the SDK's newer default of a checksum trailer on every upload
            // (aws-chunked encoding); send checksums only where the S3 API requires them.
            builder.endpointOverride(configuration.getEndpoint())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        if (configuration.getAccessKey() != null && !configuration.getAccessKey().isBlank()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(configuration.getAccessKey(), configuration.getSecretKey())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        this.s3 = builder.build();
    }

    @Override
    public OutputStream create(String jobId, String name) throws IOException {
        String key = key(jobId, name);
        Files.createDirectories(spool);
        Path local = Files.createTempFile(spool, "upload-", ".ndjson");
        return new FilterOutputStream(new BufferedOutputStream(Files.newOutputStream(local), 64 * 1024)) {
            private boolean closed;

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length); // FilterOutputStream would write byte by byte
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    super.close();
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/fhir+ndjson"),
                            RequestBody.fromFile(local));
                } catch (SdkException e) {
                    throw new IOException("Upload of " + key + " to bucket " + bucket + " failed: " + e.getMessage(), e);
                } finally {
                    Files.deleteIfExists(local);
                }
            }
        };
    }

    @Override
    public Optional<InputStream> open(String jobId, String name) throws IOException {
        String key = key(jobId, name);
        try {
            return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException("Download of " + key + " from bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteJob(String jobId) throws IOException {
        try {
            // one DELETE per object: the batch call needs Content-MD5, which not every S3-compatible server takes
            // from this SDK; a job has tens of files, not thousands
            for (S3Object object : s3.listObjectsV2Paginator(listing(jobId).build()).contents()) {
                s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
            }
        } catch (SdkException e) {
            throw new IOException("Deleting the files of export " + jobId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasFiles(String jobId) throws IOException {
        try {
            return !s3.listObjectsV2(listing(jobId).maxKeys(1).build()).contents().isEmpty();
        } catch (SdkException e) {
            throw new IOException("Listing the files of export " + jobId + " failed: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        s3.close();
    }

    private ListObjectsV2Request.Builder listing(String jobId) {
        return ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + LocalFolderExportStore.safe(jobId) + "/");
    }

    private String key(String jobId, String name) {
        return prefix + LocalFolderExportStore.safe(jobId) + "/" + LocalFolderExportStore.safe(name);
    }
}
