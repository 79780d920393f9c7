package fi.vointi.responses;

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
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.net.URI;
import java.util.List;

/** FHIR REST endpoints of {@code /fhir/QuestionnaireResponse}. */
@Controller("/fhir/QuestionnaireResponse")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class QuestionnaireResponseController {
    private final ResponseService service;
    private final ResponseSearch search;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final CallerResolver callers;
    private final SharingService sharing;
    private final ResponseIncludes included;

    public QuestionnaireResponseController(ResponseService service, ResponseSearch search, FhirJson json,
                                           FhirResponses responses, FhirServerConfiguration server,
                                           CallerResolver callers, SharingService sharing, ResponseIncludes included) {
        this.included = included;
        this.callers = callers;
        this.sharing = sharing;
        this.service = service;
        this.search = search;
        this.json = json;
        this.responses = responses;
        this.server = server;
    }

    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> create(@Body String body, @Nullable @Header("If-None-Exist") String ifNoneExist,
                                       HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("create");
        QuestionnaireResponse response = json.parseBody(body, QuestionnaireResponse.class, request);
        Caller caller = callers.resolve(request);
        refuseUnverifiedChannel(caller, response);
        ResponseService.CreateResult result = service.create(caller, response, ifNoneExist);
        QuestionnaireResponse stored = result.response();
        if (stored == null) {
            // A retry of something this caller may not read back (e.g. anonymous feedback): acknowledge only.
            return responses.outcome(HttpResponse.ok(), request, "Already received; nothing was stored again");
        }
        auditResponse(audit, stored);
        MutableHttpResponse<?> http = result.created() ? HttpResponse.created(location(request, stored)) : HttpResponse.ok();
        if (!result.created()) {
            http.header("Location", location(request, stored).toString());
        }
        String id = stored.getIdElement().getIdPart();
        return responses.written(http, stored, request, result.created()
                ? "Created QuestionnaireResponse/" + id
                : "QuestionnaireResponse/" + id + " matching If-None-Exist already exists; nothing was stored");
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("read").entity("QuestionnaireResponse/" + id);
        QuestionnaireResponse stored = service.read(callers.resolve(request), id);
        audit.patient(patientOf(stored));
        return responses.ok(stored, request);
    }

    @Get(uri = "/{id}/_history/{versionId}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> readVersion(@PathVariable String id, @PathVariable String versionId, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("vread").entity("QuestionnaireResponse/" + id + "/_history/" + versionId);
        QuestionnaireResponse stored = service.readVersion(callers.resolve(request), id, versionId);
        audit.patient(patientOf(stored));
        return responses.ok(stored, request);
    }

    @Put(uri = "/{id}", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> update(@PathVariable String id, @Body String body,
                                       @Nullable @Header("If-Match") String ifMatch, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("update").entity("QuestionnaireResponse/" + id);
        QuestionnaireResponse response = json.parseBody(body, QuestionnaireResponse.class, request);
        QuestionnaireResponse stored = service.update(callers.resolve(request), id, response, ifMatch);
        audit.patient(patientOf(stored));
        return responses.written(HttpResponse.ok(), stored, request,
                "Updated QuestionnaireResponse/" + id + " to version " + stored.getMeta().getVersionId());
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        AuditContext audit = AuditContext.search(request);
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.search(caller));
        SearchRequest searchRequest = SearchRequest.of(request.getParameters(), ResponseSearch.SPEC);
        List<AccessPolicy.ReadGrant> grants = AccessPolicy.readGrants(caller);
        ResponseSearch.Page page = search.search(searchRequest, server.getZone(), grants);
        page.resources().forEach(r -> auditResponse(audit, r));
        String base = SearchBundles.baseUrl(request, server.getBaseUrl());
        var bundle = SearchBundles.searchset(base, "QuestionnaireResponse", searchRequest, page.resources(), page.hasNext(),
                page.total());
        SearchBundles.include(bundle, base, included.of(searchRequest, page.resources(), grants, audit));
        return responses.searchset(bundle, request, searchRequest);
    }

    /** The patient shares this response with the care team (FHIR Consent returned). */
    @Post(uri = "/{id}/$share", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, "*/*"}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> share(@PathVariable String id, HttpRequest<?> request) {
        AuditContext.of(request).operation("share").entity("QuestionnaireResponse/" + id);
        return decide(id, true, request);
    }

    /** The patient withdraws sharing; clinicians and EHR clients no longer see the response. */
    @Post(uri = "/{id}/$withdraw-share", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, "*/*"}, produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> withdrawShare(@PathVariable String id, HttpRequest<?> request) {
        AuditContext.of(request).operation("withdraw-share").entity("QuestionnaireResponse/" + id);
        return decide(id, false, request);
    }

    private HttpResponse<String> decide(String id, boolean share, HttpRequest<?> request) {
        var consent = sharing.decide(callers.resolve(request), id, share);
        AuditContext.of(request).entity("Consent/" + consent.getIdElement().getIdPart())
                .patient(consent.getPatient().getReferenceElement().getIdPart());
        return responses.ok(consent, request);
    }

    /**
     * The feedback channels that prove something — {@code sms} (a single-use link token was checked) and
     * {@code import} (an admin's historical import) — are set by the feedback endpoints, or relayed by a backend
     * integration with create scope; an anonymous direct post claiming them would skew the invitation rate.
     */
    private static void refuseUnverifiedChannel(Caller caller, QuestionnaireResponse response) {
        var channel = response.getExtensionByUrl(FEEDBACK_CHANNEL);
        String code = channel != null && channel.getValue() != null ? channel.getValue().primitiveValue() : null;
        if (("sms".equals(code) || "import".equals(code)) && !caller.systemMay("QuestionnaireResponse", 'c')) {
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, fi.vointi.fhir.OperationOutcomes.error(
                    org.hl7.fhir.r4.model.OperationOutcome.IssueType.SECURITY, "The feedback channel '" + code
                            + "' is set by the server: answer through the SMS link (/feedback/{unit}?token=…) or the import",
                    "QuestionnaireResponse.extension"));
        }
    }

    private static final String FEEDBACK_CHANNEL = "https://vointi.fi/fhir/StructureDefinition/feedback-channel";

    private static void auditResponse(AuditContext audit, QuestionnaireResponse response) {
        audit.entity("QuestionnaireResponse/" + response.getIdElement().getIdPart()).patient(patientOf(response));
    }

    @Nullable
    static String patientOf(QuestionnaireResponse response) {
        ResponseReferences subject = ResponseReferences.of(response.getSubject());
        return "Patient".equals(subject.type()) ? subject.id() : null;
    }

    private URI location(HttpRequest<?> request, QuestionnaireResponse stored) {
        return URI.create(SearchBundles.baseUrl(request, server.getBaseUrl()) + "/QuestionnaireResponse/"
                + stored.getIdElement().getIdPart() + "/_history/" + stored.getMeta().getVersionId());
    }
}
