package fi.vointi.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fi.vointi.catalog.ProfileValidator;
import fi.vointi.catalog.QuestionnaireCatalog;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FHIR package as a vendor would use it: download, untar, load every resource with HAPI, check the index, and
 * validate a Questionnaire against our profile with a validator that knows only the package (plus FHIR core).
 */
@MicronautTest
class FhirPackageTest {
    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper mapper;
    @Inject
    QuestionnaireCatalog catalog;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void packageHoldsEveryConformanceResourceWithAMatchingIndex() throws Exception {
        HttpResponse<byte[]> reply = get("/fhir-package/package.tgz");
        assertEquals(200, reply.statusCode());
        assertEquals("application/gzip", reply.headers().firstValue("Content-Type").orElseThrow());
        String disposition = reply.headers().firstValue("Content-Disposition").orElseThrow();
        Map<String, byte[]> files = untar(reply.body());

        Map<String, Object> manifest = json(files.get("package/package.json"));
        assertEquals("vointi.fhir", manifest.get("name"));
        String version = (String) manifest.get("version");
        assertEquals("1.1.0", version, "the newest resource version (agreement-5 and friends)");
        assertEquals(List.of("4.0.1"), manifest.get("fhirVersions"));
        assertEquals(Map.of("hl7.fhir.r4.core", "4.0.1"), manifest.get("dependencies"));
        assertEquals("attachment; filename=\"vointi.fhir-" + version + ".tgz\"", disposition);
        // the versioned name serves the same bytes; another version is unknown
        assertTrue(java.util.Arrays.equals(reply.body(), get("/fhir-package/vointi.fhir-" + version + ".tgz").body()));
        HttpResponse<byte[]> unknown = get("/fhir-package/vointi.fhir-0.0.1.tgz");
        assertEquals(404, unknown.statusCode());
        assertTrue(new String(unknown.body(), StandardCharsets.UTF_8).contains("vointi.fhir-" + version + ".tgz"));

        // every resource parses strictly with HAPI, and .index.json says exactly what each file is
        Map<String, Object> index = json(files.get("package/.index.json"));
        assertEquals(1, index.get("index-version"));
        List<?> entries = (List<?>) index.get("files");
        Set<String> resourceFiles = files.keySet().stream().filter(f -> !f.equals("package/package.json")
                && !f.equals("package/.index.json")).map(f -> f.substring("package/".length())).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(resourceFiles, entries.stream().map(e -> (String) ((Map<?, ?>) e).get("filename"))
                .collect(Collectors.toCollection(TreeSet::new)), "one index entry per resource file");
        List<IBaseResource> loaded = new ArrayList<>();
        for (Object e : entries) {
            Map<?, ?> entry = (Map<?, ?>) e;
            String file = (String) entry.get("filename");
            IBaseResource resource = CONTEXT.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                    .parseResource(new String(files.get("package/" + file), StandardCharsets.UTF_8));
            loaded.add(resource);
            assertEquals(CONTEXT.getResourceType(resource), entry.get("resourceType"), file);
            assertEquals(resource.getIdElement().getIdPart(), entry.get("id"), file);
            MetadataResource metadata = (MetadataResource) resource;
            assertEquals(metadata.getUrl(), entry.get("url"), file);
            assertEquals(metadata.getVersion(), entry.get("version"), file);
            if (resource instanceof StructureDefinition sd) {
                assertEquals(sd.getType(), entry.get("type"), file);
                assertEquals(sd.getKind().toCode(), entry.get("kind"), file);
            }
        }
        // everything the service loaded is in it, and the OperationDefinitions
        Set<String> expected = new TreeSet<>();
        catalog.conformanceResources().forEach(r -> expected.add(((MetadataResource) r).getUrl()));
        OperationDefinitions.all().forEach(d -> expected.add(d.getUrl()));
        assertEquals(expected, loaded.stream().map(r -> ((MetadataResource) r).getUrl()).collect(Collectors.toCollection(TreeSet::new)));

        // a vendor's validator with only the package: our demo questionnaire meets our profile, one without version does not
        ProfileValidator validator = new ProfileValidator(CONTEXT, loaded);
        Questionnaire prom = catalog.byId("demo-wellbeing-prom").orElseThrow().copy();
        List<String> profile = List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE);
        assertEquals(List.of(), validator.errors(prom, profile).stream().map(Object::toString).toList());
        prom.setVersion(null);
        assertFalse(validator.errors(prom, profile).isEmpty(), "the profile requires a version");
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.getURI().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, byte[]> untar(byte[] tgz) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tgz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                assertTrue(entry.isFile(), entry.getName());
                assertTrue(files.put(entry.getName(), tar.readAllBytes()) == null, "one entry per name: " + entry.getName());
            }
        }
        assertTrue(files.keySet().stream().allMatch(n -> n.startsWith("package/")), files.keySet().toString());
        return files;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(byte[] body) throws IOException {
        return mapper.readValue(body, Map.class);
    }
}
