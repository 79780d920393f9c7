package fi.vointi.bulk;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.responses.ResponseService;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import io.micronaut.json.JsonMapper;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the bulk export tests do over HTTP, as a Bulk Data client would. */
final class BulkExportSupport {
    static final String WAREHOUSE_SCOPES = "system/QuestionnaireResponse.rs";
    private static final FhirContext HAPI = FhirContext.forR4Cached();

    private BulkExportSupport() {
    }

    /** A completed demo PROM of the patient (scored: Observations), optionally for a unit, optionally shared. */
    static String answer(FhirTestClient asPatient, Questionnaire prom, String patientId, String unit, boolean share) {
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patientId);
        if (unit != null) {
            response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        }
        Reply created = asPatient.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        if (share) {
            Reply shared = asPatient.post("/fhir/QuestionnaireResponse/" + id + "/$share", "");
            assertEquals(200, shared.status(), shared.body());
        }
        return id;
    }

    static Reply kickOff(FhirTestClient client, String path) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).GET()
                .header("Accept", "application/fhir+json").header("Prefer", "respond-async"));
    }

    /** The status URL's path from a 202 kick-off. */
    static String statusPath(Reply kickOff) {
        assertEquals(202, kickOff.status(), kickOff.body());
        String location = kickOff.header("Content-Location");
        assertNotNull(location, "Content-Location");
        return URI.create(location).getRawPath();
    }

    /** Polls until the job leaves 202 (every 202 carries X-Progress and Retry-After); returns the final reply. */
    static Reply poll(FhirTestClient client, String statusPath) {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(giveUp)) {
            Reply status = client.send(HttpRequest.newBuilder(client.uri(statusPath)).GET().header("Accept", "application/json"));
            if (status.status() != 202) {
                return status;
            }
            assertNotNull(status.header("X-Progress"), "X-Progress");
            assertNotNull(status.header("Retry-After"), "Retry-After");
            sleep(100);
        }
        return fail("export did not finish: " + statusPath);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> manifest(JsonMapper mapper, Reply completed) throws IOException {
        assertEquals(200, completed.status(), completed.body());
        assertTrue(completed.header("Content-Type").startsWith("application/json"), completed.header("Content-Type"));
        return mapper.readValue(completed.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> outputs(Map<String, Object> manifest) {
        return (List<Map<String, Object>>) manifest.get("output");
    }

    static Reply download(FhirTestClient client, String url) {
        return client.send(HttpRequest.newBuilder(client.uri(URI.create(url).getRawPath())).GET()
                .header("Accept", "application/fhir+ndjson"));
    }

    /**
     * Downloads every output file, parses every line with HAPI's JSON parser, checks each file's type and count, and
     * returns the resources by type in file order.
     */
    static Map<String, List<IBaseResource>> downloadAll(FhirTestClient client, Map<String, Object> manifest) {
        Map<String, List<IBaseResource>> byType = new LinkedHashMap<>();
        for (Map<String, Object> output : outputs(manifest)) {
            Reply file = download(client, (String) output.get("url"));
            assertEquals(200, file.status(), file.body());
            assertTrue(file.header("Content-Type").startsWith("application/fhir+ndjson"), file.header("Content-Type"));
            String type = (String) output.get("type");
            String[] lines = file.body().split("\n");
            assertTrue(file.body().endsWith("\n"), "every line ends with a newline");
            assertEquals(((Number) output.get("count")).longValue(), lines.length, "count of " + output.get("url"));
            for (String line : lines) {
                IBaseResource resource = HAPI.newJsonParser().parseResource(line);
                assertEquals(type, HAPI.getResourceType(resource), line);
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(resource);
            }
        }
        return byType;
    }

    /** The raw lines of every output file of a type. */
    static List<String> lines(FhirTestClient client, Map<String, Object> manifest, String type) {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> output : outputs(manifest)) {
            if (type.equals(output.get("type"))) {
                lines.addAll(List.of(download(client, (String) output.get("url")).body().split("\n")));
            }
        }
        return lines;
    }

    static List<String> ids(Map<String, List<IBaseResource>> byType, String type) {
        return byType.getOrDefault(type, List.of()).stream().map(r -> r.getIdElement().getIdPart()).toList();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
