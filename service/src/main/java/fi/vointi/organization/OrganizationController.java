package fi.vointi.organization;

import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Organization;

import java.net.URI;

/**
 * {@code /fhir/Organization}: the county's hierarchy (county → service area → service → unit). Staff and backend
 * clients with {@code system/Organization.rs} read; administrators write. See docs/organization.md.
 */
@Controller("/fhir/Organization")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class OrganizationController {
    private final OrganizationService service;
    private final OrganizationSearch search;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final CallerResolver callers;

    public OrganizationController(OrganizationService service, OrganizationSearch search, FhirJson json,
                                  FhirResponses responses, FhirServerConfiguration server, CallerResolver callers) {
        this.service = service;
        this.search = search;
        this.json = json;
        this.responses = responses;
        this.server = server;
        this.callers = callers;
    }

    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> create(@Body @Nullable String body, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(callers.resolve(request)));
        Organization stored = service.create(json.parseBody(body, Organization.class));
        String id = stored.getIdElement().getIdPart();
        URI location = URI.create(SearchBundles.baseUrl(request, server.getBaseUrl()) + "/Organization/" + id);
        return responses.written(HttpResponse.created(location), stored, request, "Created Organization/" + id);
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.readOrganization(callers.resolve(request), "Organization", 'r'));
        return responses.ok(service.read(id), request);
    }

    @Put(uri = "/{id}", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> update(@PathVariable String id, @Body @Nullable String body,
                                       @Nullable @Header("If-Match") String ifMatch, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(callers.resolve(request)));
        Organization stored = service.update(id, json.parseBody(body, Organization.class), ifMatch);
        return responses.written(HttpResponse.ok(), stored, request,
                "Updated Organization/" + id + " to version " + stored.getMeta().getVersionId());
    }

    @Delete(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<?> delete(@PathVariable String id, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(callers.resolve(request)));
        service.delete(id);
        return HttpResponse.noContent();
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> search(HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.readOrganization(callers.resolve(request), "Organization", 's'));
        SearchRequest searchRequest = SearchRequest.of(request.getParameters(), OrganizationSearch.ORGANIZATION_PARAMETERS);
        OrganizationSearch.Page<Organization> page = search.organizations(searchRequest);
        return responses.ok(SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "Organization",
                searchRequest, page.resources(), page.hasNext(), page.total()), request);
    }
}
