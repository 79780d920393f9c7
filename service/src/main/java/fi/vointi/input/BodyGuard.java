package fi.vointi.input;

import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.security.SecurityHeadersFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The body of every POST and PUT, once, before any controller parses it:
 * <ul>
 *   <li>a body without {@code Content-Type} is refused (415): we never guess what a body is;</li>
 *   <li>JSON ({@code application/json}, {@code application/fhir+json}, any {@code +json}), FHIR or plain: the
 *       {@link JsonScan} pre-scan — limits, duplicate keys, control characters — answers 400 with an OperationOutcome
 *       within microseconds, whatever the parser behind the endpoint would have made of it;</li>
 *   <li>text ({@code text/csv}, {@code text/plain}), HTML forms and XML: decodable in their charset and free of
 *       control characters other than tab, CR and LF (400);</li>
 *   <li>XML ({@code application/fhir+xml}, {@code application/xml}, any {@code +xml}) also the {@link XmlScan}: well-formed,
 *       no DTD, the same limits as JSON (400).</li>
 * </ul>
 * Runs after the token check (an invalid token is still a 401). A refusal here ends the filter chain: like every
 * filter's refusal it is answered before the audit filter (which wraps the route only) and leaves no audit row; the
 * body touched nothing.
 */
@ServerFilter(value = ServerFilter.MATCH_ALL_PATTERN, methods = {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH})
public class BodyGuard implements Ordered {
    private final FhirResponses responses;
    private final SecurityHeadersFilter securityHeaders;

    private static final String SCANNED_JSON = BodyGuard.class.getName() + ".scannedJson";
    private static final String SCANNED_XML = BodyGuard.class.getName() + ".scannedXml";

    /**
     * Whether this request's body passed the JSON pre-scan here, so that a parser of the same body need not scan it
     * again (the scan is a few percent of a large body's parse).
     */
    public static boolean scannedAsJson(HttpRequest<?> request) {
        return request.getAttribute(SCANNED_JSON, Boolean.class).orElse(false);
    }

    /** The same for the {@link XmlScan} of an XML body. */
    public static boolean scannedAsXml(HttpRequest<?> request) {
        return request.getAttribute(SCANNED_XML, Boolean.class).orElse(false);
    }

    public BodyGuard(FhirResponses responses, SecurityHeadersFilter securityHeaders) {
        this.responses = responses;
        this.securityHeaders = securityHeaders;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request, @Nullable @Body byte[] body) {
        MediaType type;
        String charset;
        try {
            type = request.getContentType().orElse(null);
            charset = type == null ? null : type.getParameters().get("charset").orElse(null);
        } catch (RuntimeException e) {
            return refuse(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED, "The Content-Type is not a media type");
        }
        if (charset != null && !supported(charset)) {
            // also without a body: binding even an empty body would look the charset up
            return refuse(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED,
                    "The charset of the body is not supported: use UTF-8");
        }
        if (body == null || body.length == 0) {
            return null;
        }
        if (type == null) {
            return refuse(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED,
                    "The request has a body but no Content-Type; send application/fhir+json (or the type the endpoint documents)");
        }
        if (isJson(type)) {
            if (charset != null && !Charset.forName(charset).equals(StandardCharsets.UTF_8)) {
                // RFC 8259 and FHIR: JSON is exchanged as UTF-8; the scan and the parsers must read the same characters
                return refuse(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED,
                        "JSON bodies must be UTF-8 (charset=" + charset.replaceAll("[^A-Za-z0-9._-]", "?") + " given)");
            }
            JsonScan.Problem problem = JsonScan.check(body);
            if (problem == null) {
                request.setAttribute(SCANNED_JSON, Boolean.TRUE);
                return null;
            }
            return refuse(request, HttpStatus.BAD_REQUEST,
                    problem.message().startsWith("The body exceeds") ? IssueType.TOOLONG : IssueType.STRUCTURE, problem.describe());
        }
        boolean form = type.getName().equalsIgnoreCase(MediaType.APPLICATION_FORM_URLENCODED);
        boolean xml = isXml(type);
        if (!form && !xml && !"text".equalsIgnoreCase(type.getType())) {
            return null; // no endpoint reads any other kind of body; routing answers 415 where it matters
        }
        String text;
        try {
            Charset decoding = charset == null ? StandardCharsets.UTF_8 : Charset.forName(charset);
            text = decoding.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException | IllegalArgumentException | UnsupportedOperationException e) {
            return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID,
                    "The body is not valid text in its charset (" + (charset == null ? "UTF-8" : charset) + ")");
        }
        String problem = form ? formProblem(text) : UntrustedText.freeTextProblem(text);
        if (problem != null) {
            return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID, "The body " + problem);
        }
        if (xml) {
            JsonScan.Problem structure = XmlScan.check(text);
            if (structure != null) {
                return refuse(request, HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, structure.describe());
            }
            request.setAttribute(SCANNED_XML, Boolean.TRUE);
        }
        return null;
    }

    /** XML ({@code application/xml}, {@code application/fhir+xml}, {@code text/xml}, any {@code +xml}). */
    public static boolean isXml(MediaType type) {
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        return subtype.equals("xml") || subtype.endsWith("+xml");
    }

    private static boolean supported(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isJson(MediaType type) {
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        return subtype.equals("json") || subtype.endsWith("+json");
    }

    /** The decoded names and values of a form, each free text; null when they are. */
    @Nullable
    private static String formProblem(String form) {
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            for (String part : equals < 0 ? new String[] {pair} : new String[] {pair.substring(0, equals), pair.substring(equals + 1)}) {
                String decoded;
                try {
                    decoded = URLDecoder.decode(part, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "has an invalid percent-encoding";
                }
                String problem = UntrustedText.freeTextProblem(decoded);
                if (problem != null) {
                    return "has a form field that " + problem;
                }
            }
        }
        return null;
    }

    private HttpResponse<?> refuse(HttpRequest<?> request, HttpStatus status, IssueType type, String message) {
        MutableHttpResponse<String> refusal = responses.resource(HttpResponse.status(status),
                OperationOutcomes.error(type, message, null), request);
        // a refusal here ends the filter chain before the hardening headers' own filter: the same headers
        securityHeaders.addHeaders(request, refusal);
        return refusal;
    }

    @Override
    public int getOrder() {
        // after the token check (BearerTokenGuard, SECURITY.after()), before routing binds the body
        return ServerFilterPhase.SECURITY.after() + 10;
    }
}
