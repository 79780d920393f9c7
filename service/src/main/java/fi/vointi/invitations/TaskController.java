package fi.vointi.invitations;

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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.UrlType;

import java.net.URI;

/** FHIR REST endpoints of {@code /fhir/Task}: invitations to answer a questionnaire. */
@Controller("/fhir/Task")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class TaskController {
    private final InvitationService invitations;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final CallerResolver callers;

    public TaskController(InvitationService invitations, FhirJson json, FhirResponses responses,
                          FhirServerConfiguration server, CallerResolver callers) {
        this.invitations = invitations;
        this.json = json;
        this.responses = responses;
        this.server = server;
        this.callers = callers;
    }

    /**
     * Invites a patient. The answer always carries the whole Task (whatever {@code Prefer} says), because it is
     * the only place the link is ever shown.
     */
    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> create(@Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("invite");
        InvitationService.Created created = invitations.invite(callers.resolve(request), json.parseBody(body, Task.class, request));
        Task task = created.task();
        String id = task.getIdElement().getIdPart();
        audit.entity("Task/" + id).patient(created.patientId());
        String base = SearchBundles.baseUrl(request, server.getBaseUrl());
        String site = base.endsWith("/fhir") ? base.substring(0, base.length() - "/fhir".length()) : base;
        task.addExtension(InvitationService.LINK_EXTENSION, new UrlType(site + "/invitation/" + created.token()));
        return responses.resource(HttpResponse.created(URI.create(base + "/Task/" + id)), task, request);
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("read").entity("Task/" + id);
        Invitation invitation = invitations.read(callers.resolve(request), id);
        audit.patient(invitation.patientId());
        return responses.ok(invitations.task(callers.resolve(request), invitation), request);
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        AuditContext audit = AuditContext.search(request);
        SearchRequest search = SearchRequest.of(request.getParameters(), InvitationService.SEARCH);
        InvitationService.Page page = invitations.search(callers.resolve(request), search, server.getZone());
        page.tasks().forEach(t -> audit.entity("Task/" + t.getIdElement().getIdPart())
                .patient(t.getFor().getReferenceElement().getIdPart()));
        return responses.searchset(SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "Task", search,
                page.tasks(), page.hasNext(), page.total()), request, search);
    }
}
