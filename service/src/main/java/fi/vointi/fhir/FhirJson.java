package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fi.vointi.input.BodyGuard;
import fi.vointi.input.InputLimits;
import fi.vointi.input.JsonScan;
import fi.vointi.input.XmlScan;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Parsing and encoding of FHIR JSON (storage), and the parsing of every FHIR request body, JSON or XML. Incoming
 * bodies are parsed strictly: an unknown element or a malformed value is the client's error, not something to drop
 * silently.
 */
@Singleton
public class FhirJson {
    private static final String STORED_TEXT = "fi.vointi.storedText";
    private final FhirContext context;

    public FhirJson(FhirContext context) {
        this.context = context;
    }

    /**
     * Parses the body of {@code request} as whichever resource it is, or throws a 400 naming the problem. The one place
     * request bodies become resources: FHIR JSON, or FHIR XML when the {@code Content-Type} is XML
     * ({@code application/fhir+xml}, {@code application/xml}); the endpoints' {@code consumes} refuse others with 415.
     * The input-limit scan is skipped when {@link BodyGuard} already scanned exactly this body at the edge.
     */
    public IBaseResource parseAnyBody(String body, HttpRequest<?> request) {
        return parse(body, request, null);
    }

    /** The same, as the expected resource type: another type is a 400. */
    public <T extends IBaseResource> T parseBody(String body, Class<T> expectedType, HttpRequest<?> request) {
        IBaseResource parsed = parse(body, request, expectedType);
        if (!expectedType.isInstance(parsed)) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.INVALID,
                    "Expected resourceType '" + context.getResourceType(expectedType) + "' but the body is a '"
                            + context.getResourceType(parsed) + "'");
        }
        return expectedType.cast(parsed);
    }

    private IBaseResource parse(String body, HttpRequest<?> request, Class<? extends IBaseResource> expectedType) {
        boolean xml = request.getContentType().map(BodyGuard::isXml).orElse(false);
        String format = xml ? "FHIR XML" : "FHIR JSON";
        if (body == null || body.isBlank()) {
            throw FhirException.badRequest("The request body is empty; a "
                    + (expectedType == null ? "" : context.getResourceType(expectedType) + " ") + "resource in " + format
                    + " was expected");
        }
        if (xml ? !BodyGuard.scannedAsXml(request) : !BodyGuard.scannedAsJson(request)) {
            refuseBeyondLimits(body, xml);
        }
        IBaseResource parsed;
        try {
            parsed = (xml ? strictXmlParser() : strictParser()).parseResource(body);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.STRUCTURE,
                    "The body is not a valid " + format + " resource: " + clean(e.getMessage()));
        }
        if (xml) {
            refuseLargeNumbers(parsed);
        }
        return parsed;
    }

    /**
     * The input limits (fi.vointi.input.InputLimits) before HAPI sees the text. Every JSON and XML body is scanned at
     * the edge already (fi.vointi.input.BodyGuard); this covers a body that reached us otherwise.
     */
    private static void refuseBeyondLimits(String body, boolean xml) {
        JsonScan.Problem problem = xml ? XmlScan.check(body) : JsonScan.check(body);
        if (problem != null) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, problem.describe());
        }
    }

    /**
     * The number limits of JSON for the decimals of an XML body: in XML a number is an attribute like any other, so
     * it is known only now, from its FHIR type. Its text is inspected, never expanded.
     */
    private void refuseLargeNumbers(IBaseResource resource) {
        for (DecimalType decimal : context.newTerser().getAllPopulatedChildElementsOfType(resource, DecimalType.class)) {
            String problem = decimal.getValueAsString() == null ? null : InputLimits.numberProblem(decimal.getValueAsString());
            if (problem != null) {
                throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.TOOLONG,
                        "The body has " + problem);
            }
        }
    }

    /** Parses trusted content (our own storage), leniently; the text is kept for {@link #encode}. */
    public <T extends IBaseResource> T parseStored(String json, Class<T> type) {
        T resource = context.newJsonParser().parseResource(type, json);
        resource.setUserData(STORED_TEXT, json);
        return resource;
    }

    /**
     * Encodes a resource as it is written to storage and keeps the text with the resource, so that the
     * HTTP answer sends the very same bytes without encoding twice. The resource must not change afterwards.
     */
    public String encodeForStorage(IBaseResource resource) {
        String text = context.newJsonParser().encodeResourceToString(resource);
        resource.setUserData(STORED_TEXT, text);
        return text;
    }

    /** Compact JSON: the stored text when the resource came from or went to storage unchanged. */
    public String encode(IBaseResource resource) {
        if (resource.getUserData(STORED_TEXT) instanceof String stored) {
            return stored;
        }
        return context.newJsonParser().encodeResourceToString(resource);
    }

    public String encodePretty(IBaseResource resource) {
        return context.newJsonParser().setPrettyPrint(true).encodeResourceToString(resource);
    }

    public IParser strictParser() {
        return context.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }

    private IParser strictXmlParser() {
        return context.newXmlParser().setParserErrorHandler(new StrictErrorHandler());
    }

    public FhirContext context() {
        return context;
    }

    /** HAPI prefixes its messages with an internal code such as "HAPI-1861: "; clients need only the text. */
    static String clean(String message) {
        if (message == null) {
            return "unreadable content";
        }
        // HAPI's XML parser puts the StAX location's toString() first: only its line and column mean something
        return message.replaceAll("HAPI-\\d+: ", "")
                .replaceAll("(?s)DataFormatException at \\[Line number = (\\d+)\\s+Column number = (\\d+).*?\\]: ",
                        "line $1, column $2: ");
    }
}
