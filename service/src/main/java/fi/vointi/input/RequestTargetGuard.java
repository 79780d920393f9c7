package fi.vointi.input;

import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.security.SecurityHeadersFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.net.URI;

/**
 * The outermost check of every request: its target must be a URI (RFC 3986 characters, well-formed percent-encoding)
 * whose path and query decode as UTF-8. Anything else is no address at all, so it is refused (400) before anything
 * that reads the address runs — routing, security, the audit trail, and also the error pages for browsers, which
 * build their language links from it. That is why this refusal is an OperationOutcome for every client. What is a
 * well-formed address but an unacceptable one (control characters, length) is {@link RequestGuard}'s, inside the
 * error pages.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestTargetGuard implements Ordered {
    private final FhirResponses responses;
    private final SecurityHeadersFilter securityHeaders;

    public RequestTargetGuard(FhirResponses responses, SecurityHeadersFilter securityHeaders) {
        this.responses = responses;
        this.securityHeaders = securityHeaders;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        URI uri;
        try {
            uri = request.getUri();
        } catch (IllegalArgumentException e) {
            return refuse(request, "The request target is not a valid URI (characters such as space, quotes, braces or a bare %"
                    + " must be percent-encoded)");
        }
        try {
            if (uri.getRawPath() != null) {
                RequestGuard.percentDecoded(uri.getRawPath(), false);
            }
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    RequestGuard.percentDecoded(pair, true);
                }
            }
        } catch (IllegalArgumentException e) {
            return refuse(request, "The address has an invalid percent-encoding (each % must start two hex digits, and the bytes"
                    + " must be UTF-8)");
        }
        return null;
    }

    private HttpResponse<?> refuse(HttpRequest<?> request, String message) {
        // encoded without the request (no _pretty): neither its address nor its query string can be read
        MutableHttpResponse<String> refusal = responses.resource(HttpResponse.status(HttpStatus.BAD_REQUEST),
                OperationOutcomes.error(IssueType.INVALID, message, null), null);
        // a refusal here ends the filter chain before the hardening headers' own filter: the same headers
        securityHeaders.addHeaders(request, refusal);
        return refusal;
    }

    @Override
    public int getOrder() {
        // outside the browser error pages (FIRST): they could not render a page for an address that is not one
        return ServerFilterPhase.FIRST.before();
    }
}
