package fi.vointi.audit;

import io.micronaut.http.HttpRequest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one request did to health data, filled in by the endpoint as it works and written to the audit
 * trail by {@link AuditFilter} once the answer (success or refusal) is known. Endpoints call
 * {@code AuditContext.of(request).operation("read").entity("QuestionnaireResponse/1").patient("123")}.
 */
public final class AuditContext {
    static final String ATTRIBUTE = "vointi.audit";

    private String operation;
    private final List<String> entities = new ArrayList<>();
    private final Set<String> patients = new LinkedHashSet<>();
    private String detail;
    private boolean anonymousAnswer;
    private volatile boolean recordedInTransaction;

    public static AuditContext of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, AuditContext.class).orElseGet(() -> {
            AuditContext context = new AuditContext();
            request.setAttribute(ATTRIBUTE, context);
            return context;
        });
    }

    /** A search: the operation, and the names (never the values) of the parameters as the detail. */
    public static AuditContext search(HttpRequest<?> request) {
        return of(request).operation("search")
                .detail("parameters: " + String.join(",", new java.util.TreeSet<>(request.getParameters().names())));
    }

    /** create, read, vread, update, search, share, withdraw-share, export, erase, invite, ... */
    public AuditContext operation(String operation) {
        this.operation = operation;
        return this;
    }

    /** A resource the request touched, as a relative reference ({@code QuestionnaireResponse/123}). */
    public AuditContext entity(String reference) {
        if (reference != null && entities.size() < 500) {
            entities.add(reference);
        }
        return this;
    }

    /** A patient (Patient id, without the type) whose data the request touched. */
    public AuditContext patient(String patientId) {
        if (patientId != null) {
            patients.add(patientId);
        }
        return this;
    }

    /** Free text without health data: e.g. the search parameters' names, or a count. */
    public AuditContext detail(String detail) {
        this.detail = detail;
        return this;
    }

    /**
     * This request stores (or tries to store) an anonymous answer: its audit row names no agent and no address and
     * keeps the hour only, exactly as if no token had come with it (docs/feedback.md, anonymity).
     */
    public AuditContext anonymousAnswer() {
        this.anonymousAnswer = true;
        return this;
    }

    boolean isAnonymousAnswer() {
        return anonymousAnswer;
    }

    /** The request's row was written in the transaction of its data write ({@link AuditWithinWrite}). */
    void recordedInTransaction() {
        this.recordedInTransaction = true;
    }

    boolean isRecordedInTransaction() {
        return recordedInTransaction;
    }

    String operation() {
        return operation;
    }

    List<String> entities() {
        return entities;
    }

    Set<String> patients() {
        return patients;
    }

    String detail() {
        return detail;
    }
}
