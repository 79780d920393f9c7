package fi.vointi.fhir;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes resources into HTTP responses with the FHIR media type, ETag and Last-Modified. */
@Singleton
public class FhirResponses {
    private final FhirJson json;

    public FhirResponses(FhirJson json) {
        this.json = json;
    }

    public MutableHttpResponse<String> ok(IBaseResource resource, HttpRequest<?> request) {
        return resource(HttpResponse.ok(), resource, request);
    }

    /**
     * The answer to a create or update: honours the FHIR {@code Prefer} header ({@code return=minimal}
     * sends headers only, {@code return=OperationOutcome} an informational outcome, anything else the resource).
     */
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<String> written(MutableHttpResponse<?> response, IBaseResource resource,
                                               HttpRequest<?> request, String summary) {
        String prefer = request.getHeaders().get("Prefer");
        if (prefer != null && prefer.contains("return=minimal")) {
            withVersionHeaders(response, resource);
            return (MutableHttpResponse<String>) response;
        }
        if (prefer != null && prefer.contains("return=OperationOutcome")) {
            withVersionHeaders(response, resource);
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics(summary);
            return encodeInto(response, outcome, request);
        }
        return resource(response, resource, request);
    }

    /** An informational OperationOutcome as the whole answer. */
    public MutableHttpResponse<String> outcome(MutableHttpResponse<?> response, HttpRequest<?> request, String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics(message);
        return encodeInto(response, outcome, request);
    }

    public MutableHttpResponse<String> resource(MutableHttpResponse<?> response, IBaseResource resource,
                                                HttpRequest<?> request) {
        withVersionHeaders(response, resource);
        return encodeInto(response, resource, request);
    }

    private static void withVersionHeaders(MutableHttpResponse<?> response, IBaseResource resource) {
        if (resource instanceof Resource r && r.hasMeta() && r.getMeta().hasVersionId()) {
            response.header("ETag", "W/\"" + r.getMeta().getVersionId() + "\"");
            if (r.getMeta().hasLastUpdated()) {
                response.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        r.getMeta().getLastUpdated().toInstant().atOffset(ZoneOffset.UTC)));
            }
        }
    }

    @SuppressWarnings("unchecked")
    MutableHttpResponse<String> encodeInto(MutableHttpResponse<?> response, IBaseResource resource,
                                           HttpRequest<?> request) {
        boolean pretty = request != null && request.getParameters().getFirst("_pretty")
                .map("true"::equalsIgnoreCase).orElse(false);
        String body = pretty ? json.encodePretty(resource) : json.encode(resource);
        MutableHttpResponse<String> typed = (MutableHttpResponse<String>) response;
        return typed.body(body).contentType(FhirMediaType.FHIR_JSON_UTF8);
    }
}
