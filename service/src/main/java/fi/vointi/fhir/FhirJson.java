package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fi.vointi.input.BodyGuard;
import fi.vointi.input.JsonScan;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Parsing and encoding of FHIR JSON. Incoming bodies are parsed strictly: an unknown element or a
 * malformed value is the client's error, not something to drop silently.
 */
@Singleton
public class FhirJson {
    private static final String STORED_TEXT = "fi.vointi.storedText";
    private final FhirContext context;

    public FhirJson(FhirContext context) {
        this.context = context;
    }

    /** Parses a request body as whichever resource it is, or throws a 400 naming the problem. */
    public IBaseResource parseAnyBody(String body) {
        return parseAnyBody(body, false);
    }

    /**
     * The same for the body of {@code request}: the input-limit scan is skipped when {@link BodyGuard} already scanned
     * exactly this body at the edge.
     */
    public IBaseResource parseAnyBody(String body, HttpRequest<?> request) {
        return parseAnyBody(body, BodyGuard.scannedAsJson(request));
    }

    private IBaseResource parseAnyBody(String body, boolean scanned) {
        if (body == null || body.isBlank()) {
            throw FhirException.badRequest("The request body is empty; a FHIR JSON resource was expected");
        }
        if (!scanned) {
            refuseBeyondLimits(body);
        }
        try {
            return strictParser().parseResource(body);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.STRUCTURE,
                    "The body is not a valid FHIR JSON resource: " + clean(e.getMessage()));
        }
    }

    /** Parses a request body as the expected resource type, or throws a 400 naming the problem. */
    public <T extends IBaseResource> T parseBody(String body, Class<T> expectedType) {
        if (body == null || body.isBlank()) {
            throw FhirException.badRequest("The request body is empty; a " + context.getResourceType(expectedType)
                    + " resource in FHIR JSON was expected");
        }
        refuseBeyondLimits(body);
        IBaseResource parsed;
        try {
            parsed = strictParser().parseResource(body);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.STRUCTURE,
                    "The body is not a valid FHIR JSON resource: " + clean(e.getMessage()));
        }
        if (!expectedType.isInstance(parsed)) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.INVALID,
                    "Expected resourceType '" + context.getResourceType(expectedType) + "' but the body is a '"
                            + context.getResourceType(parsed) + "'");
        }
        return expectedType.cast(parsed);
    }

    /**
     * The input limits (fi.vointi.input.InputLimits) before HAPI sees the text. Every JSON body is scanned at the edge
     * already (fi.vointi.input.BodyGuard); this covers a body that reached us under another media type.
     */
    private static void refuseBeyondLimits(String body) {
        JsonScan.Problem problem = JsonScan.check(body);
        if (problem != null) {
            throw new FhirException(io.micronaut.http.HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, problem.describe());
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

    public FhirContext context() {
        return context;
    }

    /** HAPI prefixes its messages with an internal code such as "HAPI-1861: "; clients need only the text. */
    static String clean(String message) {
        if (message == null) {
            return "unreadable content";
        }
        return message.replaceAll("HAPI-\\d+: ", "");
    }
}
