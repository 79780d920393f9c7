package fi.vointi.fhir;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Writes resources into HTTP responses in FHIR JSON or XML ({@link FhirFormat}), with ETag and Last-Modified. */
@Singleton
public class FhirResponses {
    private final FhirJson json;

    public FhirResponses(FhirJson json) {
        this.json = json;
    }

    /**
     * A read's answer. {@code _summary} ({@code true}, {@code data}, {@code false}) and {@code _elements} (top-level
     * element names) shape it as they shape search results; a shaped resource carries the {@code SUBSETTED} tag, as
     * FHIR asks, so that nobody stores it as the whole resource.
     */
    public MutableHttpResponse<String> ok(IBaseResource resource, HttpRequest<?> request) {
        if (request == null || !(request.getParameters().contains("_summary") || request.getParameters().contains("_elements"))) {
            return resource(HttpResponse.ok(), resource, request);
        }
        MutableHttpResponse<String> response = HttpResponse.ok();
        withVersionHeaders(response, resource);
        FhirFormat format = FhirFormat.of(request);
        IParser parser = parser(format, request);
        List<String> summaries = request.getParameters().getAll("_summary");
        List<String> elements = request.getParameters().getAll("_elements").stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(v -> !v.isEmpty()).toList();
        if (summaries.size() > 1) {
            throw FhirException.badRequest("_summary may be given once");
        }
        String summary = summaries.isEmpty() ? null : summaries.get(0);
        if (summary != null && !elements.isEmpty()) {
            throw FhirException.badRequest("_summary and _elements cannot be combined");
        }
        if (summary != null && !Set.of("true", "data", "false").contains(summary)) {
            throw FhirException.notSupported("_summary '" + summary + "' is not supported on a read; use true, data or false");
        }
        if ("false".equals(summary)) {
            return encode(response, resource, request, format);
        }
        if (summary == null && elements.isEmpty()) {
            throw FhirException.badRequest("_elements has no element names");
        }
        String type = json.context().getResourceType(resource);
        SearchRequest.checkElements(type, elements);
        Set<String> paths = new LinkedHashSet<>();
        elements.forEach(name -> paths.add(type + "." + name));
        Resource subset = ((Resource) resource).copy();
        if ("data".equals(summary)) {
            parser.setSuppressNarratives(true);
        } else {
            subset.getMeta().addTag(SUBSETTED);
            if ("true".equals(summary)) {
                parser.setSummaryMode(true);
            } else {
                parser.setEncodeElements(paths);
            }
        }
        return response.body(parser.encodeResourceToString(subset)).contentType(format.contentType());
    }

    /** FHIR's mark of a resource that was not returned whole. */
    private static final Coding SUBSETTED = new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
            "SUBSETTED", "subsetted");

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

    /**
     * A search result, encoded as {@code _summary} / {@code _elements} ask: HAPI's summary and element filters apply to
     * the resources in the Bundle, never to the Bundle's own total and links.
     */
    public MutableHttpResponse<String> searchset(Bundle bundle, HttpRequest<?> request, SearchRequest search) {
        FhirFormat format = FhirFormat.of(request);
        String summary = search.summary();
        List<String> elements = search.elements();
        if ((summary == null || summary.equals("false") || summary.equals("count")) && elements.isEmpty()) {
            return encode(HttpResponse.ok(), bundle, request, format);
        }
        IParser parser = parser(format, request);
        if ("true".equals(summary)) {
            parser.setSummaryMode(true);
        } else if ("data".equals(summary)) {
            parser.setSuppressNarratives(true);
        } else {
            Set<String> paths = new LinkedHashSet<>();
            elements.forEach(e -> paths.add(search.spec().resourceType() + "." + e));
            parser.setEncodeElements(paths);
            parser.setEncodeElementsAppliesToChildResourcesOnly(true);
        }
        MutableHttpResponse<String> response = HttpResponse.ok();
        return response.body(parser.encodeResourceToString(bundle)).contentType(format.contentType());
    }

    /** An answer with a resource (an unknown {@code _format} was refused by {@link FhirFormatGuard} already). */
    MutableHttpResponse<String> encodeInto(MutableHttpResponse<?> response, IBaseResource resource,
                                           HttpRequest<?> request) {
        return encode(response, resource, request, FhirFormat.of(request));
    }

    /** An error's OperationOutcome: in the format asked for when it is one we speak, else JSON. */
    MutableHttpResponse<String> encodeError(MutableHttpResponse<?> response, IBaseResource outcome,
                                            HttpRequest<?> request) {
        return encode(response, outcome, request, FhirFormat.of(request));
    }

    @SuppressWarnings("unchecked")
    private MutableHttpResponse<String> encode(MutableHttpResponse<?> response, IBaseResource resource,
                                               HttpRequest<?> request, FhirFormat format) {
        String body;
        if (format == FhirFormat.JSON && !pretty(request)) {
            body = json.encode(resource); // the stored bytes when unchanged
        } else {
            body = parser(format, request).encodeResourceToString(resource);
        }
        MutableHttpResponse<String> typed = (MutableHttpResponse<String>) response;
        return typed.body(body).contentType(format.contentType());
    }

    private IParser parser(FhirFormat format, HttpRequest<?> request) {
        IParser parser = format == FhirFormat.XML ? json.context().newXmlParser() : json.context().newJsonParser();
        return parser.setPrettyPrint(pretty(request));
    }

    private static boolean pretty(HttpRequest<?> request) {
        return request != null && request.getParameters().getFirst("_pretty").map("true"::equalsIgnoreCase).orElse(false);
    }
}
