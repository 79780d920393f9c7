package fi.vointi.schedules;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.security.CallerResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.CarePlan;

import java.net.URI;

/** {@code /fhir/CarePlan}: enrolling a patient in a PROM schedule, reading it, ending it (docs/schedules.md). */
@Controller("/fhir/CarePlan")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request (ScheduleService)
@ExecuteOn(TaskExecutors.BLOCKING)
public class CarePlanController {
    private final ScheduleService schedules;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final CallerResolver callers;

    public CarePlanController(ScheduleService schedules, FhirJson json, FhirResponses responses, FhirServerConfiguration server,
                              CallerResolver callers) {
        this.schedules = schedules;
        this.json = json;
        this.responses = responses;
        this.server = server;
        this.callers = callers;
    }

    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> create(@Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("create");
        ScheduleService.Enrolled enrolled = schedules.enrol(callers.resolve(request), json.parseBody(body, CarePlan.class, request));
        String id = enrolled.carePlan().getIdElement().getIdPart();
        audit.entity("CarePlan/" + id).patient(enrolled.patientId());
        String base = SearchBundles.baseUrl(request, server.getBaseUrl());
        return responses.written(HttpResponse.created(URI.create(base + "/CarePlan/" + id)), enrolled.carePlan(), request,
                "Enrolled in the schedule");
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("read").entity("CarePlan/" + id);
        ScheduleService.Enrolled enrolled = schedules.read(callers.resolve(request), id);
        audit.patient(enrolled.patientId());
        return responses.ok(enrolled.carePlan(), request);
    }

    /** {@code GET /fhir/CarePlan?patient=&status=&_id=}: the enrolments the caller may read, newest first. */
    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        AuditContext audit = AuditContext.search(request);
        SearchRequest search = SearchRequest.of(request.getParameters(), ScheduleService.SEARCH);
        ScheduleService.Page page = schedules.search(callers.resolve(request), search);
        page.carePlans().forEach(p -> audit.entity("CarePlan/" + p.getIdElement().getIdPart())
                .patient(p.getSubject().getReferenceElement().getIdPart()));
        return responses.searchset(SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "CarePlan", search,
                page.carePlans(), page.hasNext(), page.total()), request, search);
    }

    /** Ends the episode: status completed or revoked; the schedule's pending invitations and reminders are cancelled. */
    @Put(uri = "/{id}", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> update(@PathVariable String id, @Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("update").entity("CarePlan/" + id);
        ScheduleService.Enrolled ended = schedules.end(callers.resolve(request), id, json.parseBody(body, CarePlan.class, request));
        audit.patient(ended.patientId());
        return responses.written(HttpResponse.ok(), ended.carePlan(), request, "The schedule has ended");
    }
}
