package fi.vointi.bulk;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.net.URI;
import java.nio.file.Path;

/**
 * {@code vointi.bulk.s3.*}: the S3-compatible object store of export files when {@code vointi.bulk.store=s3}
 * (docs/bulk-export.md). Without an access key the SDK's default credential chain is used (environment, web identity,
 * instance profile), which is how a deployment in a cloud account should run.
 */
@ConfigurationProperties("vointi.bulk.s3")
public class S3StoreConfiguration {
    /** The bucket; it must exist (the service never creates buckets). */
    private String bucket;
    /** Key prefix inside the bucket, e.g. {@code vointi/exports/}; keys are {@code <prefix><job id>/<file name>}. */
    private String prefix = "";
    /** Region for request signing. */
    private String region = "eu-north-1";
    /** An S3-compatible server (MinIO, Ceph, a county's object store); empty = AWS S3 itself. */
    @Nullable
    private URI endpoint;
    /** Path-style addressing ({@code https://host/bucket/key}), which most S3-compatible servers need. */
    private boolean pathStyle;
    @Nullable
    private String accessKey;
    @Nullable
    private String secretKey;
    /** Local folder where a file is written before its upload (one file at a time per job; deleted after). */
    private Path spoolDirectory = Path.of("data", "bulk-export-spool");

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    @Nullable
    public URI getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(@Nullable URI endpoint) {
        this.endpoint = endpoint;
    }

    public boolean isPathStyle() {
        return pathStyle;
    }

    public void setPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
    }

    @Nullable
    public String getAccessKey() {
        return accessKey;
    }

    public void setAccessKey(@Nullable String accessKey) {
        this.accessKey = accessKey;
    }

    @Nullable
    public String getSecretKey() {
        return secretKey;
    }

    public void setSecretKey(@Nullable String secretKey) {
        this.secretKey = secretKey;
    }

    public Path getSpoolDirectory() {
        return spoolDirectory;
    }

    public void setSpoolDirectory(Path spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
    }
}
