package fi.vointi.support;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real HTTP against the running test server, with HAPI parsing of the replies. */
public final class FhirTestClient {
    public static final String FHIR_JSON = "application/fhir+json";
    private static final FhirContext CONTEXT = FhirContext.forR4Cached();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String token;

    public FhirTestClient(EmbeddedServer server) {
        this(server.getURI(), null);
    }

    private FhirTestClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same client sending {@code Authorization: Bearer token} (null: no credentials). */
    public FhirTestClient as(String token) {
        return new FhirTestClient(base, token);
    }

    public record Reply(int status, HttpResponse<String> raw) {
        public String body() {
            return raw.body();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public <T extends IBaseResource> T resource(Class<T> type) {
            return CONTEXT.newJsonParser().parseResource(type, raw.body());
        }

        /** Asserts the status and that the body is an OperationOutcome; returns its diagnostics joined. */
        public String outcome(int expectedStatus) {
            assertEquals(expectedStatus, status, () -> "status; body was " + raw.body());
            assertTrue(header("Content-Type").startsWith(FHIR_JSON), "content type " + header("Content-Type"));
            OperationOutcome outcome = resource(OperationOutcome.class);
            assertTrue(outcome.hasIssue(), "OperationOutcome has issues");
            assertTrue(!raw.body().contains("Exception") && !raw.body().contains("\tat "), "no stack trace: " + raw.body());
            return outcome.getIssue().stream().map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                    .collect(Collectors.joining("\n"));
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().header("Accept", FHIR_JSON));
    }

    /** GET of a plain-JSON (non-FHIR) API. */
    public Reply getJson(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().header("Accept", "application/json"));
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE().header("Accept", FHIR_JSON));
    }

    public Reply post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", FHIR_JSON);
        return send(withHeaders(request, headers));
    }

    public Reply post(String path, IBaseResource resource, String... headers) {
        return post(path, encode(resource), headers);
    }

    public Reply put(String path, IBaseResource resource, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .PUT(HttpRequest.BodyPublishers.ofString(encode(resource))).header("Content-Type", FHIR_JSON);
        return send(withHeaders(request, headers));
    }

    public Reply send(HttpRequest.Builder request) {
        if (token != null) {
            request.setHeader("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    public static String encode(IBaseResource resource) {
        return CONTEXT.newJsonParser().encodeResourceToString(resource);
    }

    public static <T extends IBaseResource> T parse(Class<T> type, String json) {
        return CONTEXT.newJsonParser().parseResource(type, json);
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }
}
