package fi.vointi.responses;

import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.net.URI;

/** FHIR REST endpoints of {@code /fhir/QuestionnaireResponse}. */
@Controller("/fhir/QuestionnaireResponse")
@ExecuteOn(TaskExecutors.BLOCKING)
public class QuestionnaireResponseController {
    private final ResponseService service;
    private final ResponseSearch search;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;

    public QuestionnaireResponseController(ResponseService service, ResponseSearch search, FhirJson json,
                                           FhirResponses responses, FhirServerConfiguration server) {
        this.service = service;
        this.search = search;
        this.json = json;
        this.responses = responses;
        this.server = server;
    }

    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> create(@Body String body, @Nullable @Header("If-None-Exist") String ifNoneExist,
                                       HttpRequest<?> request) {
        QuestionnaireResponse response = json.parseBody(body, QuestionnaireResponse.class);
        ResponseService.CreateResult result = service.create(response, ifNoneExist);
        QuestionnaireResponse stored = result.response();
        MutableHttpResponse<?> http = result.created() ? HttpResponse.created(location(request, stored)) : HttpResponse.ok();
        if (!result.created()) {
            http.header("Location", location(request, stored).toString());
        }
        String id = stored.getIdElement().getIdPart();
        return responses.written(http, stored, request, result.created()
                ? "Created QuestionnaireResponse/" + id
                : "QuestionnaireResponse/" + id + " matching If-None-Exist already exists; nothing was stored");
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        return responses.ok(service.read(id), request);
    }

    @Get(uri = "/{id}/_history/{versionId}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> readVersion(@PathVariable String id, @PathVariable String versionId, HttpRequest<?> request) {
        return responses.ok(service.readVersion(id, versionId), request);
    }

    @Put(uri = "/{id}", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> update(@PathVariable String id, @Body String body,
                                       @Nullable @Header("If-Match") String ifMatch, HttpRequest<?> request) {
        QuestionnaireResponse response = json.parseBody(body, QuestionnaireResponse.class);
        QuestionnaireResponse stored = service.update(id, response, ifMatch);
        return responses.written(HttpResponse.ok(), stored, request,
                "Updated QuestionnaireResponse/" + id + " to version " + stored.getMeta().getVersionId());
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> search(HttpRequest<?> request) {
        SearchRequest searchRequest = SearchRequest.of(request.getParameters(), ResponseSearch.PARAMETERS);
        ResponseSearch.Page page = search.search(searchRequest, server.getZone());
        var bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "QuestionnaireResponse",
                searchRequest, page.resources(), page.hasNext(), page.total());
        return responses.ok(bundle, request);
    }

    private URI location(HttpRequest<?> request, QuestionnaireResponse stored) {
        return URI.create(SearchBundles.baseUrl(request, server.getBaseUrl()) + "/QuestionnaireResponse/"
                + stored.getIdElement().getIdPart() + "/_history/" + stored.getMeta().getVersionId());
    }
}
