package fi.vointi.feedback;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.responses.AnonymousAdmission;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.context.ServerRequestContext;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Duration;
import java.util.Optional;

/**
 * The one gate of anonymous answering (issue 13, cases 3 and 4). It sits where the answer is stored
 * ({@code ResponseService.create}), not on a path: no path variant (trailing slash, case, the feedback link, a
 * kiosk), token or role reaches the store without passing it. A live answer costs one token of the client address's
 * bucket ({@link RateLimiter}, the same bucket for every path); its unit must be an active unit that takes feedback
 * (checked first: a refused answer costs nothing).
 */
@Singleton
class AnonymousAnswerAdmission implements AnonymousAdmission {
    private static final String ORGANIZATION = "Organization/";
    private final RateLimiter rateLimiter;
    private final ClientAddresses addresses;
    private final FeedbackUnits units;

    AnonymousAnswerAdmission(RateLimiter rateLimiter, ClientAddresses addresses, FeedbackUnits units) {
        this.rateLimiter = rateLimiter;
        this.addresses = addresses;
        this.units = units;
    }

    @Override
    public void anonymousRequest() {
        ServerRequestContext.currentRequest().ifPresent(r -> AuditContext.of(r).anonymousAnswer());
    }

    @Override
    public void admit(@Nullable String unitRef, boolean live) {
        Optional<HttpRequest<Object>> request = ServerRequestContext.currentRequest();
        request.ifPresent(r -> AuditContext.of(r).anonymousAnswer());
        String unitId = unitRef != null && unitRef.startsWith(ORGANIZATION) ? unitRef.substring(ORGANIZATION.length()) : null;
        Optional<FeedbackUnits.Unit> unit = unitId == null ? Optional.empty() : units.find(unitId);
        // an import may bring answers of a unit that has since stopped collecting feedback; a live answer may not
        boolean accepted = live ? unit.filter(FeedbackUnits.Unit::acceptsFeedback).isPresent() : unit.isPresent();
        if (!accepted) {
            throw new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(IssueType.BUSINESSRULE,
                    "An anonymous answer needs the service-unit extension naming a unit that collects feedback"
                            + (unitRef == null ? "" : "; " + unitRef + " does not"), "QuestionnaireResponse.extension"));
        }
        if (live && request.isPresent()) {
            Optional<Duration> wait = rateLimiter.acquire(addresses.of(request.get()));
            if (wait.isPresent()) {
                long seconds = RateLimiter.retryAfterSeconds(wait.get());
                throw new FhirException(HttpStatus.TOO_MANY_REQUESTS, IssueType.THROTTLED,
                        "Too many anonymous answers from this address; retry after " + seconds + " s").retryAfter(seconds);
            }
        }
    }
}
