package fi.vointi.fhir;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Turns a {@link FhirException} into its status and OperationOutcome body. */
@Produces
@Singleton
@Requires(classes = {FhirException.class, ExceptionHandler.class})
public class FhirExceptionHandler implements ExceptionHandler<FhirException, HttpResponse<?>> {
    private final FhirResponses responses;

    public FhirExceptionHandler(FhirResponses responses) {
        this.responses = responses;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, FhirException exception) {
        var response = HttpResponse.status(exception.status());
        if (exception.status() == io.micronaut.http.HttpStatus.UNAUTHORIZED) {
            response.header("WWW-Authenticate", "Bearer realm=\"vointi\"");
        }
        if (exception.retryAfterSeconds() != null) {
            response.header("Retry-After", Long.toString(exception.retryAfterSeconds()));
        }
        return responses.encodeError(response, exception.outcome(), request);
    }
}
