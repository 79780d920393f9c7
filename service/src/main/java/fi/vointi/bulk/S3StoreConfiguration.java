package fi.vointi.bulk;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.net.URI;

/**
 * {@code vointi.bulk.s3.*}: the S3-compatible object store of export files ({@code vointi.bulk.store: s3},
 * docs/bulk-export.md). Without keys the AWS SDK's default credentials chain is used (environment, profile, instance
 * role); without an endpoint, AWS itself.
 */
@ConfigurationProperties("vointi.bulk.s3")
public class S3StoreConfiguration {
    private String bucket;
    /** Key prefix: files go to {@code <prefix>/<job>/<name>}. */
    private String prefix = "bulk-export";
    /** Another S3-compatible service (MinIO, Ceph, a county's own); null for AWS. */
    @Nullable
    private URI endpoint;
    private String region = "eu-north-1";
    /** Path-style URLs ({@code endpoint/bucket/key}), which most S3-compatible services need. */
    private boolean pathStyle;
    @Nullable
    private String accessKeyId;
    @Nullable
    private String secretAccessKey;
    /** Bytes buffered per multipart part (S3's minimum is 5 MiB): the only part of a file ever held in memory. */
    private int partSize = 8 * 1024 * 1024;

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
        this.prefix = prefix;
    }

    public @Nullable URI getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(@Nullable URI endpoint) {
        this.endpoint = endpoint;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public boolean isPathStyle() {
        return pathStyle;
    }

    public void setPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
    }

    public @Nullable String getAccessKeyId() {
        return accessKeyId;
    }

    public void setAccessKeyId(@Nullable String accessKeyId) {
        this.accessKeyId = accessKeyId;
    }

    public @Nullable String getSecretAccessKey() {
        return secretAccessKey;
    }

    public void setSecretAccessKey(@Nullable String secretAccessKey) {
        this.secretAccessKey = secretAccessKey;
    }

    public int getPartSize() {
        return partSize;
    }

    public void setPartSize(int partSize) {
        this.partSize = partSize;
    }
}
