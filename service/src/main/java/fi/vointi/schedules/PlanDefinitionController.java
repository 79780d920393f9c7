package fi.vointi.schedules;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.PlanDefinition;

import java.util.List;
import java.util.Set;

/** {@code /fhir/PlanDefinition}: the PROM protocols a patient can be enrolled in; public like the questionnaires. */
@Controller("/fhir/PlanDefinition")
@Secured(SecurityRule.IS_ANONYMOUS) // public: no health data
public class PlanDefinitionController {
    static final SearchSpec SPEC = SearchSpec.of("PlanDefinition", Set.of("_id", "url"));
    private final ProtocolCatalog protocols;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;

    public PlanDefinitionController(ProtocolCatalog protocols, FhirResponses responses, FhirServerConfiguration server) {
        this.protocols = protocols;
        this.responses = responses;
        this.server = server;
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        Protocol protocol = protocols.byId(id).orElseThrow(() -> FhirException.notFound("PlanDefinition/" + id + " is not known"));
        return responses.ok(protocol.resource(), request);
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        SearchRequest search = SearchRequest.of(request.getParameters(), SPEC);
        List<PlanDefinition> matches = protocols.all().stream()
                .filter(p -> search.occurrences("_id").stream().allMatch(values -> values.contains(p.id())))
                .filter(p -> search.occurrences("url").stream().allMatch(values -> values.contains(p.url())))
                .map(Protocol::resource).toList();
        int from = Math.min(search.offset(), matches.size());
        int to = Math.min(from + search.count(), matches.size());
        var bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "PlanDefinition",
                search, matches.subList(from, to), to < matches.size(), matches.size());
        return responses.searchset(bundle, request, search);
    }
}
