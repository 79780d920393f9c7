package fi.vointi.feedback;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/feedback/channel-tokens}: short, expiring, single-use feedback links ({@code {public base}/p/{token}})
 * for SMS or e-mail messages. Each link issued is counted in {@code feedback_invitation_count}; nothing about the
 * recipients is sent or kept.
 */
@Controller("/api/feedback")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy decides
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChannelTokenController {
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final int MAX_COUNT = 1000;

    private final ChannelTokens tokens;
    private final InvitationCounts counts;
    private final FeedbackUnits units;
    private final CallerResolver callers;
    private final FeedbackConfiguration configuration;

    public ChannelTokenController(ChannelTokens tokens, InvitationCounts counts, FeedbackUnits units,
                                  CallerResolver callers, FeedbackConfiguration configuration) {
        this.tokens = tokens;
        this.counts = counts;
        this.units = units;
        this.callers = callers;
        this.configuration = configuration;
    }

    /**
     * Body: {@code {"unit": "<Organization id>", "count": 1, "lifetime": "P14D"}} ({@code channel} may be given and
     * must be {@code sms}, which covers e-mail too; {@code "audience": "staff"} makes staff eNPS links, the only way
     * to answer the staff survey, not counted as customer invitations). Answers 201 with the links, their shared expiry and the unit's service.
     */
    @Post(uri = "/channel-tokens", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Map<String, Object>> issue(@Body Map<String, Object> body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("feedback-link");
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            CallerResolver.enforce(AccessPolicy.issueFeedbackLinks(caller, ""));
        }
        String unitId = text(body.get("unit"));
        if (unitId == null) {
            throw FhirException.badRequest("'unit' (the Organization id of the unit) is required");
        }
        CallerResolver.enforce(AccessPolicy.issueFeedbackLinks(caller, unitId));
        String channel = text(body.getOrDefault("channel", "sms"));
        if (!ChannelTokens.TOKEN_CHANNELS.contains(channel)) {
            throw FhirException.badRequest("channel must be 'sms' (SMS or e-mail); poster, web and kiosk links need no token");
        }
        String audience = text(body.get("audience"));
        if (audience != null && !"staff".equals(audience)) {
            throw FhirException.badRequest("audience may only be 'staff' (a staff eNPS link); customer links carry none");
        }
        int count = integer(body.get("count"), 1);
        if (count < 1 || count > MAX_COUNT) {
            throw FhirException.badRequest("count must be 1–" + MAX_COUNT);
        }
        Duration lifetime = lifetime(body.get("lifetime"));
        FeedbackUnits.Unit unit = units.find(unitId).filter(FeedbackUnits.Unit::acceptsFeedback)
                .orElseThrow(() -> FhirException.unprocessable(org.hl7.fhir.r4.model.OperationOutcome.IssueType.NOTFOUND,
                        "Unit '" + unitId + "' is not known or does not take feedback"));
        ChannelTokens.Issued issued = tokens.issue(unit.id(), unit.serviceId(), channel, lifetime, audience, count);
        if (audience == null) {
            // the denominator of the customers' "answers relative to invitations"; staff links are not invitations
            counts.increment(unit.id(), LocalDate.now(HELSINKI), channel, count);
        }
        audit.entity("Organization/" + unit.id()).detail("issued " + count + " " + channel + " links");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("unit", unit.id());
        if (unit.serviceId() != null) {
            answer.put("service", unit.serviceId());
        }
        answer.put("channel", channel);
        if (audience != null) {
            answer.put("audience", audience);
        }
        answer.put("expires", issued.expiresAt().toString());
        answer.put("links", issued.tokens().stream().map(tokens::shortLink).toList());
        return HttpResponse.created(answer);
    }

    private Duration lifetime(@Nullable Object value) {
        if (value == null) {
            return configuration.getTokenLifetime();
        }
        Duration lifetime;
        try {
            lifetime = Duration.parse(value.toString().replaceFirst("^P(\\d+)D$", "P$1DT0S"));
        } catch (DateTimeParseException e) {
            throw FhirException.badRequest("lifetime must be an ISO-8601 duration such as P14D or PT12H");
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(FeedbackConfiguration.MAX_TOKEN_LIFETIME) > 0) {
            throw FhirException.badRequest("lifetime must be positive and at most 90 days");
        }
        return lifetime;
    }

    @Nullable
    private static String text(@Nullable Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    private static int integer(@Nullable Object value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw FhirException.badRequest("count must be a whole number");
    }
}
