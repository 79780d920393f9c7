package fi.vointi.fhir;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/**
 * Every error Micronaut itself produces (unknown route, wrong method, unsupported media type,
 * oversized body, unhandled exception) is answered as an OperationOutcome. Server errors never carry
 * the exception's text to the client: they get an incident id that is also in the server log.
 */
@Singleton
@Primary
public class OperationOutcomeErrorProcessor implements ErrorResponseProcessor<String> {
    private static final Logger LOG = LoggerFactory.getLogger(OperationOutcomeErrorProcessor.class);
    private final FhirResponses responses;

    public OperationOutcomeErrorProcessor(FhirResponses responses) {
        this.responses = responses;
    }

    @Override
    public MutableHttpResponse<String> processResponse(ErrorContext context, MutableHttpResponse<?> baseResponse) {
        HttpStatus status = baseResponse.getStatus();
        String message;
        if (status.getCode() >= 500 && DatabaseOutage.isOutage(context.getRootCause().orElse(null))) {
            // the database is not reachable (no connection within the pool's timeout): a clean 503 the client may
            // retry, not a 500 after a minute; HTML clients get the 503 page (BrowserErrorPages keeps Retry-After)
            LOG.warn("Database unavailable on {} {}: {}", context.getRequest().getMethod(),
                    fi.vointi.audit.AuditFilter.auditPath(context.getRequest().getPath()),
                    context.getRootCause().map(Throwable::toString).orElse(""));
            baseResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", Long.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
            return responses.encodeError(baseResponse, OperationOutcomes.error(IssueType.TRANSIENT,
                    "The database is not available right now; retry after " + DatabaseOutage.RETRY_AFTER_SECONDS + " s", null),
                    context.getRequest());
        }
        if (status.getCode() >= 500) {
            // the request's id (X-Request-Id): the same in the answer, the reply header and every log line of the request
            String incident = fi.vointi.ops.RequestIds.of(context.getRequest());
            LOG.error("Incident {} on {} {}", incident, context.getRequest().getMethod(),
                    fi.vointi.audit.AuditFilter.auditPath(context.getRequest().getPath()), context.getRootCause().orElse(null));
            message = "Internal server error (incident " + incident + ")";
        } else {
            message = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
            if (message.isBlank()) {
                message = status.getReason();
            }
        }
        OperationOutcome outcome = OperationOutcomes.error(issueType(status), message, null);
        return responses.encodeError(baseResponse, outcome, context.getRequest());
    }

    private static IssueType issueType(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> IssueType.NOTFOUND;
            case METHOD_NOT_ALLOWED, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE -> IssueType.NOTSUPPORTED;
            case REQUEST_ENTITY_TOO_LARGE -> IssueType.TOOLONG;
            case UNAUTHORIZED -> IssueType.LOGIN;
            case FORBIDDEN -> IssueType.FORBIDDEN;
            case CONFLICT, PRECONDITION_FAILED -> IssueType.CONFLICT;
            default -> status.getCode() >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }
}
