package fi.vointi.security;

import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.OperationOutcomes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A request that carries credentials which did not validate (forged, expired, wrong issuer or audience) is
 * refused with 401 everywhere, also on public paths, instead of being treated as anonymous.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class BearerTokenGuard implements Ordered {
    private final FhirJson json;

    public BearerTokenGuard(FhirJson json) {
        this.json = json;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> refuseInvalidCredentials(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || request.getUserPrincipal(Authentication.class).isPresent()) {
            return null;
        }
        String message = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? "The bearer token is not valid (signature, issuer, audience or expiry)"
                : "Only bearer tokens are accepted";
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vointi\", error=\"invalid_token\"")
                .contentType(FhirMediaType.FHIR_JSON_UTF8)
                .body(json.encode(OperationOutcomes.error(IssueType.LOGIN, message, null)));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
