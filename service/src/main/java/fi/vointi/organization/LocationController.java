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
import org.hl7.fhir.r4.model.Location;

import java.net.URI;

/**
 * {@code /fhir/Location}: service points (reception, kiosk, ward) of the units. Staff and backend
 * clients with {@code system/Location.rs} read; administrators write. See docs/organization.md.
 */
@Controller("/fhir/Location")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class LocationController {
    private final OrganizationService service;
    private final OrganizationSearch search;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final CallerResolver callers;

    public LocationController(OrganizationService service, OrganizationSearch search, FhirJson json,
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
        Location stored = service.createLocation(json.parseBody(body, Location.class));
        String id = stored.getIdElement().getIdPart();
        URI location = URI.create(SearchBundles.baseUrl(request, server.getBaseUrl()) + "/Location/" + id);
        return responses.written(HttpResponse.created(location), stored, request, "Created Location/" + id);
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.readOrganization(callers.resolve(request), "Location", 'r'));
        return responses.ok(service.readLocation(id), request);
    }

    @Put(uri = "/{id}", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> update(@PathVariable String id, @Body @Nullable String body,
                                       @Nullable @Header("If-Match") String ifMatch, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(callers.resolve(request)));
        Location stored = service.updateLocation(id, json.parseBody(body, Location.class), ifMatch);
        return responses.written(HttpResponse.ok(), stored, request,
                "Updated Location/" + id + " to version " + stored.getMeta().getVersionId());
    }

    @Delete(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<?> delete(@PathVariable String id, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(callers.resolve(request)));
        service.deleteLocation(id);
        return HttpResponse.noContent();
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> search(HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.readOrganization(callers.resolve(request), "Location", 's'));
        SearchRequest searchRequest = SearchRequest.of(request.getParameters(), OrganizationSearch.LOCATION_PARAMETERS);
        OrganizationSearch.Page<Location> page = search.locations(searchRequest);
        return responses.ok(SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "Location",
                searchRequest, page.resources(), page.hasNext(), page.total()), request);
    }
}
