package fi.vointi.organization;

import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Resource;

import java.net.URI;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The FHIR REST interactions of one resource type of the organisation structure (create, read, update, delete,
 * search), the same for Organization and Location: administrators write, staff and scoped clients read
 * ({@link AccessPolicy#readOrganization}, {@link AccessPolicy#writeOrganization}). A subclass names the type and
 * the {@link OrganizationService} / {@link OrganizationSearch} calls behind each interaction.
 */
abstract class StructureController<R extends Resource> {
    /** What every structure controller needs from the framework; one bean, so that subclasses pass one thing on. */
    @Singleton
    record Parts(FhirJson json, FhirResponses responses, FhirServerConfiguration server, CallerResolver callers) {
    }

    /** The service calls behind the five interactions. */
    record Operations<R extends Resource>(Function<R, R> create, Function<String, R> read, Update<R> update,
                                          Consumer<String> delete, Function<SearchRequest, OrganizationSearch.Page<R>> search) {
    }

    interface Update<R> {
        R apply(String id, R resource, @Nullable String ifMatch);
    }

    private final String type;
    private final Class<R> resourceType;
    private final SearchSpec searchSpec;
    private final Parts parts;
    private final Operations<R> operations;

    StructureController(Class<R> resourceType, SearchSpec searchSpec, Parts parts, Operations<R> operations) {
        this.type = resourceType.getSimpleName();
        this.resourceType = resourceType;
        this.searchSpec = searchSpec;
        this.parts = parts;
        this.operations = operations;
    }

    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> create(@Body @Nullable String body, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(parts.callers().resolve(request)));
        R stored = operations.create().apply(parts.json().parseBody(body, resourceType, request));
        String id = stored.getIdElement().getIdPart();
        URI location = URI.create(SearchBundles.baseUrl(request, parts.server().getBaseUrl()) + "/" + type + "/" + id);
        return parts.responses().written(HttpResponse.created(location), stored, request, "Created " + type + "/" + id);
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.readOrganization(parts.callers().resolve(request), type, 'r'));
        return parts.responses().ok(operations.read().apply(id), request);
    }

    @Put(uri = "/{id}", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> update(@PathVariable String id, @Body @Nullable String body,
                                       @Nullable @Header("If-Match") String ifMatch, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(parts.callers().resolve(request)));
        R stored = operations.update().apply(id, parts.json().parseBody(body, resourceType, request), ifMatch);
        return parts.responses().written(HttpResponse.ok(), stored, request,
                "Updated " + type + "/" + id + " to version " + stored.getMeta().getVersionId());
    }

    @Delete(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<?> delete(@PathVariable String id, HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.writeOrganization(parts.callers().resolve(request)));
        operations.delete().accept(id);
        return HttpResponse.noContent();
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.readOrganization(parts.callers().resolve(request), type, 's'));
        SearchRequest searchRequest = SearchRequest.of(request.getParameters(), searchSpec);
        OrganizationSearch.Page<R> page = operations.search().apply(searchRequest);
        return parts.responses().searchset(SearchBundles.searchset(SearchBundles.baseUrl(request, parts.server().getBaseUrl()), type,
                searchRequest, page.resources(), page.hasNext(), page.total()), request, searchRequest);
    }
}
