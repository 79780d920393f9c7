package fi.vointi.audit;

import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Writes one audit row for every request to an endpoint that holds health data, after the answer is known:
 * successes and refusals (401, 403, 404) alike. The query string is not stored (it may name patients);
 * the endpoint records the touched resources and patients in {@link AuditContext} instead.
 */
@ServerFilter({"/fhir/QuestionnaireResponse", "/fhir/QuestionnaireResponse/**", "/fhir/Task", "/fhir/Task/**", "/fhir/CarePlan", "/fhir/CarePlan/**", "/app", "/app/answer/**",
        "/fhir/Patient/**", "/fhir/AuditEvent", "/fhir/AuditEvent/**", "/fhir/Consent", "/fhir/Consent/**",
        "/invitation/**", "/fhir/Observation", "/fhir/Observation/**", "/api/patients/**",
        "/feedback/*/answer", "/feedback/*/QuestionnaireResponse", "/api/feedback/**", "/analytics/**",
        "/app/adaptive/**", "/app/results", "/app/results/**", "/app/usability",
        "/manage/**", "/staff", "/staff/**",
        "/fhir/$export", "/fhir/%24export", "/fhir/Group/*/$export", "/fhir/Group/*/%24export", "/fhir/bulk-status/**",
        "/fhir/bulk-files/**", "/fhir/Encounter", "/fhir", "/fhir/Subscription", "/fhir/Subscription/**"})
public class AuditFilter {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFilter.class);
    /** The anonymous usability check after a patient's results: recorded as an anonymous answer, whoever sends it. */
    static final String USABILITY_CHECK = "/app/usability";
    private final AuditLog log;
    private final CallerResolver callers;
    private final FhirJson json;

    public AuditFilter(AuditLog log, CallerResolver callers, FhirJson json) {
        this.log = log;
        this.callers = callers;
        this.json = json;
    }

    @ResponseFilter
    public CompletionStage<MutableHttpResponse<?>> record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        AuditContext context = AuditContext.of(request);
        if (context.isRecordedInTransaction()) {
            // the write's row committed with the write itself (AuditWithinWrite); the answer is the write's
            return java.util.concurrent.CompletableFuture.completedFuture(response);
        }
        // an anonymous answer (and a signed-in person's usability answer, docs/feedback.md) is recorded as if no token
        // had come with it: no agent, no address, the hour only — not linkable to the same person's page views
        boolean anonymousAnswer = context.isAnonymousAnswer() || USABILITY_CHECK.equals(request.getPath());
        Caller caller = anonymousAnswer ? Caller.ANONYMOUS : callers.resolve(request);
        Instant now = anonymousAnswer ? Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS) : Instant.now();
        int status = response.code();
        String operation = context.operation() != null ? context.operation() : defaultOperation(request);
        AuditRecord record = new AuditRecord(UUID.randomUUID().toString(), now, action(request.getMethod(), operation),
                operation, status < 400 ? "0" : status < 500 ? "4" : "8", status, caller.id(), caller.clientId(),
                caller.rolesText(), sourceAddress(request, caller, anonymousAnswer), request.getMethodName(),
                auditPath(request.getPath()), context.entities(), context.patients(), context.detail());
        // the callback may run on the audit writer's thread: the request's log context (its id, RequestIds) goes along
        io.micronaut.core.propagation.PropagatedContext propagated = io.micronaut.core.propagation.PropagatedContext.getOrEmpty();
        return log.appendAsync(record).handle((stored, failure) -> {
            if (failure == null) {
                return response;
            }
            try (io.micronaut.core.propagation.PropagatedContext.Scope ignored = propagated.propagate()) {
                if (status >= 500) {
                    // a server error (e.g. 503, the database is down) carries no health data: keep its answer, log the row
                    LOG.error("Audit write failed for {} {} (status {}, kept)", request.getMethodName(),
                            auditPath(request.getPath()), status, failure);
                    return response;
                }
                // No health data leaves without its audit row: the answer is replaced by a 500.
                String incident = fi.vointi.ops.RequestIds.of(request);
                LOG.error("Audit write failed, answer withheld (incident {}) for {} {} (status {})", incident,
                        request.getMethodName(), auditPath(request.getPath()), status, failure);
                @SuppressWarnings("unchecked")
                MutableHttpResponse<Object> failed = (MutableHttpResponse<Object>) response;
                failed.status(500).contentType(FhirMediaType.FHIR_JSON_UTF8).body(json.encode(OperationOutcomes.error(
                        IssueType.EXCEPTION, "Internal error, incident " + incident, null)));
                return failed;
            }
        });
    }

    /**
     * Anonymous feedback must not be traceable to a device (docs/feedback.md): an answer sent without a token, to the
     * FHIR endpoint or a unit's feedback link, is recorded without the client's address.
     */
    static String sourceAddress(HttpRequest<?> request, Caller caller, boolean anonymousAnswer) {
        boolean anonymousPost = anonymousAnswer || caller.isAnonymous() && request.getMethod() == HttpMethod.POST
                && (request.getPath().startsWith("/fhir/QuestionnaireResponse") || request.getPath().startsWith("/feedback/")
                || USABILITY_CHECK.equals(request.getPath()));
        return anonymousPost ? null : request.getRemoteAddress().getAddress().getHostAddress();
    }

    /**
     * An invitation link's token is a credential: the trail names the Task (in entities), never the token. So is a
     * short feedback link's ({@code /p/{token}}), which the server log of an incident would otherwise show.
     */
    public static String auditPath(String path) {
        if (path.startsWith("/p/")) {
            return path.replaceFirst("^/p/[^/]+", "/p/{token}");
        }
        return path.startsWith("/invitation/") ? path.replaceFirst("^/invitation/[^/]+", "/invitation/{token}") : path;
    }

    private static String defaultOperation(HttpRequest<?> request) {
        return switch (request.getMethod()) {
            case POST -> "create";
            case PUT -> "update";
            case DELETE -> "delete";
            default -> request.getPath().matches(".*/[^/]+/[^/$]+$") ? "read" : "search";
        };
    }

    /** FHIR AuditEvent.action: C, R, U, D or E (execute, for operations such as export and erase). */
    static String action(HttpMethod method, String operation) {
        return switch (operation) {
            case "create", "subscribe", "invite", "invitation-answer", "feedback-answer", "feedback-import", "feedback-link" -> "C";
            case "read", "vread", "search", "invitation-open", "audit-search" -> "R";
            case "update", "share", "withdraw-share" -> "U";
            case "erase", "delete" -> "D";
            case "export", "pseudonymise", "bulk-export" -> "E";
            case "bulk-export-cancel" -> "D";
            default -> method == HttpMethod.GET ? "R" : "E";
        };
    }
}
