package fi.vointi.audit;

import fi.vointi.responses.ResponseWrite;
import fi.vointi.responses.ResponseWriteListener;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.context.ServerRequestContext;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The audit row of a QuestionnaireResponse write is inserted in the transaction that stores the response (issue 13
 * case 10): both commit or neither does, so no stored write is ever without its row, and a failed audit insert rolls
 * the write back (the client gets a 5xx for a write that did not happen, never for one that did). The request's
 * {@link AuditFilter} row is then not written again. Reads and refusals keep the group-committed trail.
 */
@Singleton
class AuditWithinWrite implements ResponseWriteListener {
    /** The request operations whose response writes are audited here (the others, e.g. erase, by the filter). */
    private static final Set<String> WRITES = Set.of("create", "update", "feedback-answer", "invitation-answer");
    private final AuditBatchWriter writer;
    private final CallerResolver callers;

    AuditWithinWrite(AuditBatchWriter writer, CallerResolver callers) {
        this.writer = writer;
        this.callers = callers;
    }

    @Override
    public void written(ResponseWrite write) {
        Optional<HttpRequest<Object>> current = ServerRequestContext.currentRequest();
        if (current.isEmpty()) {
            return;
        }
        HttpRequest<?> request = current.get();
        AuditContext context = AuditContext.of(request);
        String operation = context.operation();
        if (operation == null || !WRITES.contains(operation) || context.isRecordedInTransaction()) {
            return;
        }
        boolean anonymous = context.isAnonymousAnswer();
        Caller caller = anonymous ? Caller.ANONYMOUS : callers.resolve(request);
        Instant now = anonymous ? Instant.now().truncatedTo(ChronoUnit.HOURS) : Instant.now();
        String entity = "QuestionnaireResponse/" + write.response().getIdElement().getIdPart();
        String subject = write.row().subjectType();
        // what the endpoint recorded so far (an invitation's Task) and what this write touched
        List<String> entities = new java.util.ArrayList<>(context.entities());
        if (!entities.contains(entity)) {
            entities.add(entity);
        }
        Set<String> patients = new java.util.LinkedHashSet<>(context.patients());
        if ("Patient".equals(subject) && write.row().subjectId() != null) {
            patients.add(write.row().subjectId());
        }
        // the answer this write gets when nothing fails after the commit: a page's form post is redirected
        // (post/redirect/get), an API create 201, an update 200
        boolean formPost = request.getContentType()
                .map(type -> MediaType.APPLICATION_FORM_URLENCODED_TYPE.getName().equals(type.getName())).orElse(false);
        int status = formPost || request.getPath().endsWith("/answer") ? 303
                : write.previousStatus() == null && write.row().versionId() == 1 ? 201 : 200;
        AuditRecord record = new AuditRecord(UUID.randomUUID().toString(), now, AuditFilter.action(request.getMethod(), operation),
                operation, "0", status, caller.id(), caller.clientId(), caller.rolesText(),
                AuditFilter.sourceAddress(request, caller, anonymous), request.getMethodName(),
                AuditFilter.auditPath(request.getPath()), entities, patients, context.detail());
        // listeners run inside the response write's transaction (ResponseStore)
        writer.insertInCurrentTransaction(List.of(record));
        context.recordedInTransaction();
    }
}
