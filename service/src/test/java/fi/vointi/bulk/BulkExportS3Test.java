package fi.vointi.bulk;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import javax.sql.DataSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static fi.vointi.bulk.BulkExportSupport.WAREHOUSE_SCOPES;
import static fi.vointi.bulk.BulkExportSupport.answer;
import static fi.vointi.bulk.BulkExportSupport.download;
import static fi.vointi.bulk.BulkExportSupport.downloadAll;
import static fi.vointi.bulk.BulkExportSupport.ids;
import static fi.vointi.bulk.BulkExportSupport.kickOff;
import static fi.vointi.bulk.BulkExportSupport.manifest;
import static fi.vointi.bulk.BulkExportSupport.outputs;
import static fi.vointi.bulk.BulkExportSupport.poll;
import static fi.vointi.bulk.BulkExportSupport.statusPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export files in an S3-compatible object store (vointi.bulk.store=s3, docs/bulk-export.md) against S3Proxy, a real S3
 * server with an in-memory store, running inside the test: the files are objects under the configured prefix, the
 * client downloads them through the service exactly as from the local folder, cancel and retention delete the
 * objects, nothing stays in the spool folder, and a store that refuses the upload fails the job with an outcome.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkExportS3Test implements TestPropertyProvider {
    private static final String BUCKET = "county-exports";
    private static final String PREFIX = "vointi/exports/";
    private static final String ACCESS_KEY = "test-access";
    private static final String SECRET_KEY = "test-secret-key";
    private static final Path SPOOL = Path.of("target", "bulk-export-s3-spool");

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;
    @Inject
    JsonMapper mapper;
    @Inject
    ExportStore store;
    @Inject
    ExportWorker worker;

    private S3Proxy s3Proxy;
    private S3Client bucket;
    Tokens tokens;
    FhirTestClient anonymous;
    Questionnaire prom;
    String patient;
    FhirTestClient asPatient;
    FhirTestClient warehouse;

    @Override
    public Map<String, String> getProperties() {
        try {
            s3Proxy = S3Proxy.builder()
                    .blobStore(new TransientNio2BlobStore())
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            s3Proxy.start();
            for (int i = 0; i < 200 && !"STARTED".equals(s3Proxy.getState()); i++) {
                Thread.sleep(25);
            }
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        String endpoint = "http://127.0.0.1:" + s3Proxy.getPort();
        bucket = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.EU_NORTH_1)
                .endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        bucket.createBucket(b -> b.bucket(BUCKET));
        return Map.of(
                "vointi.bulk.store", "s3",
                "vointi.bulk.s3.bucket", BUCKET,
                "vointi.bulk.s3.prefix", PREFIX,
                "vointi.bulk.s3.endpoint", endpoint,
                "vointi.bulk.s3.path-style", "true",
                "vointi.bulk.s3.access-key", ACCESS_KEY,
                "vointi.bulk.s3.secret-key", SECRET_KEY,
                "vointi.bulk.s3.spool-directory", SPOOL.toString(),
                "vointi.bulk.max-file-lines", "3",
                "vointi.bulk.page-size", "2");
    }

    @AfterAll
    void stopS3() throws Exception {
        bucket.close();
        s3Proxy.stop();
    }

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        patient = "bulk-s3-" + UUID.randomUUID();
        asPatient = anonymous.as(tokens.patient(patient));
        warehouse = anonymous.as(tokens.system("warehouse-" + UUID.randomUUID(), WAREHOUSE_SCOPES));
    }

    private List<S3Object> objectsOf(String jobId) {
        return bucket.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + jobId + "/")).contents().stream().toList();
    }

    private static String jobIdOf(String statusPath) {
        return statusPath.substring(statusPath.lastIndexOf('/') + 1);
    }

    @Test
    void theFilesAreObjectsUnderThePrefixAndDownloadThroughTheService() throws Exception {
        assertTrue(store instanceof S3ExportStore, store.getClass().getName());
        List<String> shared = List.of(answer(asPatient, prom, patient, null, true), answer(asPatient, prom, patient, null, true));
        String statusPath = statusPath(kickOff(warehouse, "/fhir/$export"));
        Map<String, Object> manifest = manifest(mapper, poll(warehouse, statusPath));

        List<String> responses = ids(downloadAll(warehouse, manifest), "QuestionnaireResponse");
        assertTrue(responses.containsAll(shared), responses.toString());
        // every file of the manifest is one object, with the same lines the service served
        List<S3Object> objects = objectsOf(jobIdOf(statusPath));
        assertEquals(outputs(manifest).size(), objects.size(), objects.toString());
        for (Map<String, Object> output : outputs(manifest)) {
            String url = (String) output.get("url");
            String name = url.substring(url.lastIndexOf('/') + 1);
            String key = PREFIX + jobIdOf(statusPath) + "/" + name;
            String object = bucket.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asString(StandardCharsets.UTF_8);
            assertEquals(download(warehouse, url).body(), object, key);
            assertEquals(((Number) output.get("count")).longValue(), object.lines().count(), key);
        }
        try (Stream<Path> left = Files.exists(SPOOL) ? Files.list(SPOOL) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "no spool file stays behind");
        }
    }

    @Test
    void cancelAndRetentionDeleteTheObjects() throws Exception {
        answer(asPatient, prom, patient, null, true);
        String cancelled = statusPath(kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse"));
        Map<String, Object> manifest = manifest(mapper, poll(warehouse, cancelled));
        assertFalse(objectsOf(jobIdOf(cancelled)).isEmpty());
        assertEquals(202, warehouse.delete(cancelled).status());
        assertEquals(List.of(), objectsOf(jobIdOf(cancelled)), "the objects went with the job");
        download(warehouse, (String) outputs(manifest).get(0).get("url")).outcome(404);

        String expired = statusPath(kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse"));
        poll(warehouse, expired);
        worker.poll();
        assertTrue(store.hasFiles(jobIdOf(expired)), "kept within the retention");
        Db.update(dataSource, "UPDATE bulk_export_job SET finished_at = ? WHERE id = ?",
                Instant.now().minus(25, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC), jobIdOf(expired));
        worker.poll();
        assertEquals(List.of(), objectsOf(jobIdOf(expired)));
        warehouse.get(expired).outcome(404);
    }

    @Test
    void aStoreThatRefusesTheUploadFailsTheJobWithAnOutcome() throws Exception {
        answer(asPatient, prom, patient, null, true);
        // the bucket is gone (emptied and deleted): every upload is refused with NoSuchBucket
        bucket.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()
                .forEach(o -> bucket.deleteObject(b -> b.bucket(BUCKET).key(o.key())));
        bucket.deleteBucket(b -> b.bucket(BUCKET));
        try {
            Reply failed = poll(warehouse, statusPath(kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse")));
            String diagnostics = failed.outcome(500);
            assertTrue(diagnostics.contains("start a new export"), diagnostics);
            assertFalse(diagnostics.contains(BUCKET) || diagnostics.contains("Exception"), "nothing of the store's set-up: " + diagnostics);
            try (Stream<Path> left = Files.exists(SPOOL) ? Files.list(SPOOL) : Stream.empty()) {
                assertEquals(List.of(), left.toList(), "the spool file of the refused upload is deleted");
            }
        } finally {
            bucket.createBucket(b -> b.bucket(BUCKET));
        }
    }
}
