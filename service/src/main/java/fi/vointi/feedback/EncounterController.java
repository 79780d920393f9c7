package fi.vointi.feedback;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
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
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Visits reported by the EHR for post-visit feedback ({@link PostVisitFeedback}): {@code POST /fhir/Encounter} one
 * finished Encounter, {@code POST /fhir} a transaction Bundle of them (at most {@value #MAX_ENTRIES}, all or nothing).
 * Answered {@code 202 Accepted}: the visit is counted, a message may follow, and the Encounter is not stored (no id,
 * no {@code Location}, nothing to read back). docs/feedback.md, "Post-visit feedback SMS".
 */
@Controller("/fhir")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy decides
@ExecuteOn(TaskExecutors.BLOCKING)
public class EncounterController {
    static final int MAX_ENTRIES = 1000;
    private final PostVisitFeedback postVisit;
    private final FhirJson json;
    private final FhirResponses responses;
    private final CallerResolver callers;

    public EncounterController(PostVisitFeedback postVisit, FhirJson json, FhirResponses responses, CallerResolver callers) {
        this.postVisit = postVisit;
        this.json = json;
        this.responses = responses;
        this.callers = callers;
    }

    @Post(uri = "/Encounter", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> report(@Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("visit-report");
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.reportVisits(caller));
        Encounter encounter = json.parseBody(body, Encounter.class, request);
        List<PostVisitFeedback.Counted> counted = postVisit.report(List.of(encounter), List.of("Encounter"), client(caller));
        audited(audit, counted);
        PostVisitFeedback.Counted visit = counted.get(0);
        String what = visit.repeated() ? "Visit already reported: counted once for unit " : "Visit counted for unit ";
        return responses.outcome(HttpResponse.status(HttpStatus.ACCEPTED), request, what + visit.unitId()
                + " on " + visit.day() + "; the Encounter is not stored");
    }

    /** A transaction Bundle whose every entry is {@code POST Encounter}. */
    @Post(consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> transaction(@Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("visit-report");
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.reportVisits(caller));
        Bundle bundle = json.parseBody(body, Bundle.class, request);
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw FhirException.badRequest("Only a transaction Bundle is accepted here (Bundle.type 'transaction')");
        }
        if (bundle.getEntry().isEmpty() || bundle.getEntry().size() > MAX_ENTRIES) {
            throw FhirException.badRequest("A transaction holds 1–" + MAX_ENTRIES + " entries, not " + bundle.getEntry().size());
        }
        List<Encounter> encounters = new ArrayList<>();
        List<String> where = new ArrayList<>();
        List<OperationOutcome.OperationOutcomeIssueComponent> issues = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            String at = "Bundle.entry[" + i + "]";
            boolean post = !entry.hasRequest() || entry.getRequest().getMethod() == Bundle.HTTPVerb.POST
                    && "Encounter".equals(entry.getRequest().getUrl());
            if (!(entry.getResource() instanceof Encounter encounter) || !post) {
                issues.add(fi.vointi.fhir.OperationOutcomes.issue(OperationOutcome.IssueSeverity.ERROR,
                        OperationOutcome.IssueType.NOTSUPPORTED, "Only POST Encounter entries are accepted in a transaction", at));
                continue;
            }
            encounters.add(encounter);
            where.add(at + ".resource");
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        List<PostVisitFeedback.Counted> counted = postVisit.report(encounters, where, client(caller));
        audited(audit, counted);
        Bundle answer = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        counted.forEach(c -> answer.addEntry().getResponse().setStatus("202 Accepted"));
        return responses.ok(answer, request);
    }

    /** The reporting backend client (the token's {@code azp}, else its subject): part of a visit's key. */
    private static String client(Caller caller) {
        return AccessPolicy.exportClient(caller);
    }

    private static void audited(AuditContext audit, List<PostVisitFeedback.Counted> counted) {
        Map<String, Integer> perUnit = new TreeMap<>();
        java.util.Set<String> units = new java.util.TreeSet<>();
        int repeated = 0;
        for (PostVisitFeedback.Counted c : counted) {
            if (c.repeated()) {
                repeated++;
            } else {
                perUnit.merge(c.unitId(), 1, Integer::sum);
            }
            units.add(c.unitId());
        }
        units.forEach(unit -> audit.entity("Organization/" + unit));
        audit.detail("visits " + perUnit + (repeated > 0 ? ", " + repeated + " repeated" : ""));
    }
}
