package fi.vointi.bulk;

import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Export files in an S3-compatible object store, {@code <prefix>/<jobId>/<name>} in one bucket
 * ({@code vointi.bulk.store: s3}). A file is written as a multipart upload, one part of {@code part-size} bytes in
 * memory at a time, so an export of any size needs no more heap than the local store; it is read back with GetObject
 * and served through the download endpoint like a local file (no pre-signed URLs: the same-client check stays in one
 * place). Every instance sees the same bucket, so any of them may run a job and serve its files.
 */
@Singleton
@Requires(property = "vointi.bulk.store", value = "s3")
public class S3ExportStore implements ExportStore {
    private static final int MIN_PART = 5 * 1024 * 1024;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int partSize;

    S3ExportStore(S3StoreConfiguration configuration) {
        if (configuration.getBucket() == null || configuration.getBucket().isBlank()) {
            throw new IllegalStateException("vointi.bulk.store is s3 but vointi.bulk.s3.bucket is not set");
        }
        S3ClientBuilder builder = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(configuration.getRegion()))
                .forcePathStyle(configuration.isPathStyle())
                // checksums only where S3 requires them: the SDK's newer default (CRC trailers in aws-chunked
                // uploads) is refused by many S3-compatible services (S3Proxy: x-amz-content-sha256 mismatch)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        if (configuration.getEndpoint() != null && !configuration.getEndpoint().toString().isBlank()) {
            builder.endpointOverride(configuration.getEndpoint());
        }
        builder.credentialsProvider(configuration.getAccessKeyId() != null && !configuration.getAccessKeyId().isBlank()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(configuration.getAccessKeyId(),
                configuration.getSecretAccessKey()))
                : DefaultCredentialsProvider.builder().build());
        this.s3 = builder.build();
        this.bucket = configuration.getBucket();
        String p = configuration.getPrefix() == null ? "" : configuration.getPrefix().replaceAll("^/+|/+$", "");
        this.prefix = p.isEmpty() ? "" : p + "/";
        this.partSize = Math.max(MIN_PART, configuration.getPartSize());
    }

    @PreDestroy
    void close() {
        s3.close();
    }

    private String folder(String jobId) {
        return prefix + LocalFolderExportStore.safe(jobId) + "/";
    }

    private String key(String jobId, String name) {
        return folder(jobId) + LocalFolderExportStore.safe(name);
    }

    @Override
    public OutputStream create(String jobId, String name) {
        return new MultipartUpload(key(jobId, name));
    }

    @Override
    public Optional<InputStream> open(String jobId, String name) {
        try {
            return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key(jobId, name))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void deleteJob(String jobId) {
        List<ObjectIdentifier> batch = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder(jobId))).contents()) {
            batch.add(ObjectIdentifier.builder().key(object.key()).build());
            if (batch.size() == 1000) { // DeleteObjects takes at most 1000 keys
                deleteAll(batch);
            }
        }
        deleteAll(batch);
    }

    private void deleteAll(List<ObjectIdentifier> keys) {
        if (!keys.isEmpty()) {
            List<ObjectIdentifier> copy = List.copyOf(keys);
            s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(copy).quiet(true).build()));
            keys.clear();
        }
    }

    @Override
    public boolean hasFiles(String jobId) {
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix(folder(jobId)).maxKeys(1)).keyCount() > 0;
    }

    /**
     * An object written part by part. A file smaller than one part is one PutObject; a larger one a multipart upload
     * that is completed on close. An upload that fails is aborted, so no parts are left behind to be paid for.
     */
    private final class MultipartUpload extends OutputStream {
        private final String key;
        private final byte[] buffer = new byte[partSize];
        private int filled;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private boolean closed;

        MultipartUpload(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == buffer.length) {
                flushPart();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (filled == buffer.length) {
                    flushPart();
                }
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        private void flushPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(BulkExportController.NDJSON))
                            .uploadId();
                }
                int number = parts.size() + 1;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = 0;
            } catch (RuntimeException e) {
                abort();
                throw new IOException("Upload of " + key + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType(BulkExportController.NDJSON),
                            RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled)));
                    return;
                }
                if (filled > 0) {
                    flushPart();
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            } catch (RuntimeException e) {
                abort();
                throw new IOException("Upload of " + key + " failed: " + e.getMessage(), e);
            }
        }

        private void abort() {
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException ignored) {
                    // the bucket's lifecycle rule for incomplete uploads is the fallback (docs/bulk-export.md)
                }
            }
        }
    }
}
