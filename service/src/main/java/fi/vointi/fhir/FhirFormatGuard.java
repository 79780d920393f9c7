package fi.vointi.fhir;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * A {@code _format} this server does not speak is refused with 406 before the request does anything: a create must
 * not be stored and then answered with an error about the answer's format.
 */
@ServerFilter({"/fhir", "/fhir/**"})
public class FhirFormatGuard implements Ordered {
    private final FhirResponses responses;

    public FhirFormatGuard(FhirResponses responses) {
        this.responses = responses;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> refuseUnknownFormat(HttpRequest<?> request) {
        for (String format : request.getParameters().getAll("_format")) {
            if (!FhirFormat.isKnown(format)) {
                FhirException refusal = SearchRequest.unsupportedFormat(format);
                return responses.encodeError(HttpResponse.status(refusal.status()), refusal.outcome(), request);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
