package fi.vointi.conformance;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** {@code GET /fhir/OperationDefinition/{id}}: the definitions of our own operations (public: no health data). */
@Controller("/fhir/OperationDefinition")
@Secured(SecurityRule.IS_ANONYMOUS)
public class OperationDefinitionController {
    private final FhirResponses responses;

    public OperationDefinitionController(FhirResponses responses) {
        this.responses = responses;
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        return responses.ok(OperationDefinitions.byId(id)
                .orElseThrow(() -> FhirException.notFound("OperationDefinition/" + id + " is not known")), request);
    }
}
