package fi.vointi.feedback;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirResponses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Duration;
import java.util.Optional;

/**
 * The same per-address limit as the unit links, for anonymous answers sent straight to
 * {@code POST /fhir/QuestionnaireResponse} (allowed for anonymous-answering questionnaires only): otherwise a
 * single source could flood a unit by skipping the link.
 */
@ServerFilter("/fhir/QuestionnaireResponse")
class AnonymousAnswerRateLimit {
    private final RateLimiter rateLimiter;
    private final ClientAddresses addresses;
    private final FhirResponses responses;

    AnonymousAnswerRateLimit(RateLimiter rateLimiter, ClientAddresses addresses, FhirResponses responses) {
        this.rateLimiter = rateLimiter;
        this.addresses = addresses;
        this.responses = responses;
    }

    /** null lets the request through; callers with credentials are not limited here. */
    @RequestFilter
    @Nullable
    HttpResponse<?> limit(HttpRequest<?> request) {
        if (request.getMethod() != HttpMethod.POST || request.getHeaders().contains(HttpHeaders.AUTHORIZATION)) {
            return null;
        }
        Optional<Duration> wait = rateLimiter.acquire(addresses.of(request));
        if (wait.isEmpty()) {
            return null;
        }
        long seconds = RateLimiter.retryAfterSeconds(wait.get());
        FhirException tooMany = new FhirException(HttpStatus.TOO_MANY_REQUESTS, IssueType.THROTTLED,
                "Too many anonymous answers from this address; retry after " + seconds + " s");
        return responses.resource(HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS), tooMany.outcome(), request)
                .header("Retry-After", Long.toString(seconds));
    }
}
