package fi.vointi.feedback;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.util.List;

/**
 * {@code POST /api/feedback/import}: an admin imports earlier feedback with its original dates, as CSV
 * ({@code text/csv}) or as a FHIR transaction/batch Bundle of QuestionnaireResponses. Answers a
 * {@code transaction-response} Bundle naming every stored response. See docs/feedback.md.
 */
@Controller("/api/feedback")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy decides
@ExecuteOn(TaskExecutors.BLOCKING)
public class FeedbackImportController {
    private final FeedbackImport importer;
    private final CallerResolver callers;
    private final FhirJson json;
    private final FhirResponses responses;

    public FeedbackImportController(FeedbackImport importer, CallerResolver callers, FhirJson json, FhirResponses responses) {
        this.importer = importer;
        this.callers = callers;
        this.json = json;
        this.responses = responses;
    }

    @Post(uri = "/import", consumes = "text/csv", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> importCsv(@Body String csv, HttpRequest<?> request) {
        Caller caller = authorised(request);
        return answer(importer.importCsv(caller, csv), request);
    }

    @Post(uri = "/import", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> importBundle(@Body String body, HttpRequest<?> request) {
        Caller caller = authorised(request);
        return answer(importer.importBundle(caller, json.parseBody(body, Bundle.class, request)), request);
    }

    private Caller authorised(HttpRequest<?> request) {
        AuditContext.of(request).operation("feedback-import");
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.importFeedback(caller));
        return caller;
    }

    private HttpResponse<String> answer(List<QuestionnaireResponse> stored, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).detail("imported " + stored.size() + " feedback responses");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (QuestionnaireResponse response : stored) {
            String id = response.getIdElement().getIdPart();
            audit.entity("QuestionnaireResponse/" + id);
            bundle.addEntry().getResponse().setStatus("201 Created")
                    .setLocation("QuestionnaireResponse/" + id + "/_history/" + response.getMeta().getVersionId());
        }
        return responses.resource(HttpResponse.status(HttpStatus.OK), bundle, request);
    }
}
