package fi.vointi.fhir;

import io.micronaut.http.HttpStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.List;

/**
 * A refusal the client must see as an OperationOutcome with a 4xx status. Thrown anywhere below a
 * FHIR endpoint; {@link FhirExceptionHandler} turns it into the HTTP response.
 */
public class FhirException extends RuntimeException {
    private final HttpStatus status;
    private final transient OperationOutcome outcome;

    public FhirException(HttpStatus status, OperationOutcome outcome) {
        super(OperationOutcomes.summary(outcome));
        this.status = status;
        this.outcome = outcome;
    }

    public FhirException(HttpStatus status, IssueType type, String message) {
        this(status, OperationOutcomes.error(type, message, null));
    }

    private Long retryAfterSeconds;

    public HttpStatus status() {
        return status;
    }

    /** Adds {@code Retry-After} (seconds) to the answer: 429 and 503. */
    public FhirException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** null when the answer carries no Retry-After. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public OperationOutcome outcome() {
        return outcome;
    }

    public static FhirException badRequest(String message) {
        return new FhirException(HttpStatus.BAD_REQUEST, IssueType.INVALID, message);
    }

    public static FhirException notSupported(String message) {
        return new FhirException(HttpStatus.BAD_REQUEST, IssueType.NOTSUPPORTED, message);
    }

    public static FhirException notFound(String message) {
        return new FhirException(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, message);
    }

    public static FhirException conflict(String message) {
        return new FhirException(HttpStatus.CONFLICT, IssueType.CONFLICT, message);
    }

    public static FhirException preconditionFailed(String message) {
        return new FhirException(HttpStatus.PRECONDITION_FAILED, IssueType.CONFLICT, message);
    }

    public static FhirException unprocessable(IssueType type, String message) {
        return new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, type, message);
    }

    public static FhirException unprocessable(List<OperationOutcome.OperationOutcomeIssueComponent> issues) {
        OperationOutcome outcome = new OperationOutcome();
        issues.forEach(outcome::addIssue);
        return new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, outcome);
    }
}
