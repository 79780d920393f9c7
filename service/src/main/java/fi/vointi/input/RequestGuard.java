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
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The request line of every request, before authentication, rate limits, the audit trail and any controller (the
 * address itself is well-formed: {@link RequestTargetGuard}): the method must be a standard one (405), the decoded
 * path at most {@value InputLimits#MAX_PATH_LENGTH} characters (414), neither the path nor any query parameter name or
 * value may hold a control character (400), and the path holds only the characters of our path names and ids — FHIR
 * id characters, base64url tokens and {@code $} operations — otherwise nothing can be there (404). Such a request names
 * nothing that could be stored or looked up (PostgreSQL refuses NUL bytes; a space or '#' would corrupt a reference),
 * so it is answered here and leaves no row anywhere, not even in the audit trail.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestGuard implements Ordered {
    private final FhirResponses responses;
    private final SecurityHeadersFilter securityHeaders;

    public RequestGuard(FhirResponses responses, SecurityHeadersFilter securityHeaders) {
        this.responses = responses;
        this.securityHeaders = securityHeaders;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        if (request.getMethod() == HttpMethod.CUSTOM) {
            return refuse(request, HttpStatus.METHOD_NOT_ALLOWED, IssueType.NOTSUPPORTED,
                    "The HTTP method is not supported; use GET, POST, PUT or DELETE");
        }
        String path;
        Map<String, List<String>> parameters;
        try {
            // the path as the routes see their variables: percent-decoded (getPath() is the raw form)
            path = percentDecoded(request.getPath(), false);
            parameters = request.getParameters().asMap();
        } catch (IllegalArgumentException e) {
            // RequestTargetGuard refuses these first; kept so that this filter never fails on its own
            return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID, "The address has an invalid percent-encoding");
        }
        if (path.length() > InputLimits.MAX_PATH_LENGTH) {
            return refuse(request, HttpStatus.REQUEST_URI_TOO_LONG, IssueType.TOOLONG,
                    "The path is " + path.length() + " characters long (at most " + InputLimits.MAX_PATH_LENGTH + ")");
        }
        String problem = UntrustedText.tokenProblem(path);
        if (problem != null) {
            return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID, "The path " + problem);
        }
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            problem = UntrustedText.tokenProblem(parameter.getKey());
            if (problem != null) {
                return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID, "A query parameter name " + problem);
            }
            for (String value : parameter.getValue()) {
                problem = UntrustedText.tokenProblem(value);
                if (problem != null) {
                    return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID,
                            "The value of query parameter '" + parameter.getKey() + "' " + problem);
                }
            }
        }
        int outside = firstOutsideIdAlphabet(path);
        if (outside >= 0) {
            // every segment of our paths is a name of ours or an id: no resource can have this address
            return refuse(request, HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "Nothing is known at this address: a path holds only"
                    + " letters A–Z, digits and - . _ ~ $ (found " + String.format("U+%04X", path.codePointAt(outside)) + ")");
        }
        return null;
    }

    /** Index of the first character that is not in a path of ours (ids: FHIR id characters, tokens: base64url), or -1. */
    static int firstOutsideIdAlphabet(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c == '$';
            if (!allowed) {
                return i;
            }
        }
        return -1;
    }

    /**
     * RFC 3986 percent-decoding; the bytes must be UTF-8. {@code form}: a query component, where '+' is a space (in a
     * path a '+' stays a '+').
     */
    static String percentDecoded(String raw, boolean form) {
        if (raw.indexOf('%') < 0) {
            return form ? raw.replace('+', ' ') : raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("not hex");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (form && c == '+') {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }

    private HttpResponse<?> refuse(HttpRequest<?> request, HttpStatus status, IssueType type, String message) {
        MutableHttpResponse<String> refusal = responses.resource(HttpResponse.status(status),
                OperationOutcomes.error(type, message, null), null);
        // a refusal here ends the filter chain before the hardening headers' own filter: the same headers
        securityHeaders.addHeaders(request, refusal);
        return refusal;
    }

    @Override
    public int getOrder() {
        // just inside the browser error pages (FIRST), before the cross-site form check, security, rate limits and audit
        return ServerFilterPhase.FIRST.order() + 1;
    }
}
