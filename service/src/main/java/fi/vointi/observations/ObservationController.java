package fi.vointi.observations;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import org.hl7.fhir.r4.model.Observation;

/**
 * FHIR read, vread and search of the Observations extracted from responses. Read-only: Observations change
 * only when their response does. Access follows the response (AccessPolicy.read on its facts).
 */
@Controller("/fhir/Observation")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class ObservationController {
    private final ObservationStore store;
    private final ObservationSearch search;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final CallerResolver callers;

    ObservationController(ObservationStore store, ObservationSearch search, FhirJson json, FhirResponses responses,
                          FhirServerConfiguration server, CallerResolver callers) {
        this.store = store;
        this.search = search;
        this.json = json;
        this.responses = responses;
        this.server = server;
        this.callers = callers;
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    @Transactional(readOnly = true)
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("read").entity("Observation/" + id);
        StoredObservation row = readable(callers.resolve(request), id);
        audit.patient(patientOf(row));
        return responses.ok(json.parseStored(row.resourceJson(), Observation.class), request);
    }

    @Get(uri = "/{id}/_history/{versionId}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    @Transactional(readOnly = true)
    public HttpResponse<String> readVersion(@PathVariable String id, @PathVariable String versionId, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("vread").entity("Observation/" + id + "/_history/" + versionId);
        StoredObservation row = readable(callers.resolve(request), id);
        audit.patient(patientOf(row));
        String unknown = "Observation/" + id + "/_history/" + versionId + " is not known";
        int version;
        try {
            version = Integer.parseInt(versionId);
        } catch (NumberFormatException e) {
            throw FhirException.notFound(unknown);
        }
        String stored = store.version(id, version).orElseThrow(() -> FhirException.notFound(unknown));
        return responses.ok(json.parseStored(stored, Observation.class), request);
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        AuditContext audit = AuditContext.search(request);
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.search(caller));
        SearchRequest searchRequest = SearchRequest.of(request.getParameters(), ObservationSearch.SPEC);
        ObservationSearch.Page page = search.search(searchRequest, server.getZone(), AccessPolicy.readGrants(caller));
        for (Observation observation : page.resources()) {
            audit.entity("Observation/" + observation.getIdElement().getIdPart());
            if (observation.getSubject().getReferenceElement().getResourceType() != null
                    && "Patient".equals(observation.getSubject().getReferenceElement().getResourceType())) {
                audit.patient(observation.getSubject().getReferenceElement().getIdPart());
            }
        }
        var bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "Observation",
                searchRequest, page.resources(), page.hasNext(), page.total());
        return responses.searchset(bundle, request, searchRequest);
    }

    /** Refusals of existing Observations look exactly like unknown ids. */
    private StoredObservation readable(Caller caller, String id) {
        String unknown = "Observation/" + id + " is not known";
        StoredObservation row = store.find(id).orElseThrow(() -> FhirException.notFound(unknown));
        CallerResolver.enforce(AccessPolicy.read(caller, row.responseFacts()), unknown);
        return row;
    }

    private static String patientOf(StoredObservation row) {
        return "Patient".equals(row.responseFacts().subjectType()) ? row.responseFacts().subjectId() : null;
    }
}
