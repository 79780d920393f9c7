package fi.vointi.input;

import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.OperationOutcomes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
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
 * The request line of every request, before authentication, rate limits, the audit trail and any controller: the
 * method must be a standard one (405), the decoded path at most {@value InputLimits#MAX_PATH_LENGTH} characters (414),
 * and neither the path nor any query parameter name or value may hold a control character or undecodable
 * percent-encoding (400). Such a request names nothing that could be stored or looked up (PostgreSQL refuses NUL
 * bytes), so it is answered here and leaves no row anywhere, not even in the audit trail.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestGuard implements Ordered {
    private final FhirResponses responses;

    public RequestGuard(FhirResponses responses) {
        this.responses = responses;
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
            path = percentDecoded(request.getPath());
            parameters = request.getParameters().asMap();
        } catch (IllegalArgumentException e) {
            return refuse(request, HttpStatus.BAD_REQUEST, IssueType.INVALID,
                    "The address has an invalid percent-encoding (each % must start two hex digits of UTF-8)");
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
        return null;
    }

    /** RFC 3986 percent-decoding of a path (a '+' stays a '+'); the bytes must be UTF-8. */
    static String percentDecoded(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
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
        // without the request: its query string may be the very thing that cannot be decoded
        return responses.resource(HttpResponse.status(status), OperationOutcomes.error(type, message, null), null);
    }

    @Override
    public int getOrder() {
        // just inside the browser error pages (FIRST), before the cross-site form check, security, rate limits and audit
        return ServerFilterPhase.FIRST.order() + 1;
    }
}
