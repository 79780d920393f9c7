package fi.vointi.feedback;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.OperationOutcomes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A unit's public feedback link, no login: {@code /feedback/{unitId}} (HTML form, fi/sv/en), its QR codes, and the
 * FHIR way for apps and kiosks. Every answer is anonymous and goes through {@link FeedbackService}. See docs/feedback.md.
 */
@Controller("/feedback")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class FeedbackController {
    private static final MediaType HTML = MediaType.of("text/html;charset=utf-8");

    private final FeedbackUnits units;
    private final FeedbackSurveys surveys;
    private final FeedbackService service;
    private final ChannelTokens tokens;
    private final RateLimiter rateLimiter;
    private final ClientAddresses addresses;
    private final FeedbackConfiguration configuration;
    private final FhirJson json;
    private final FhirResponses responses;
    private final TokenUses tokenUses;

    public FeedbackController(FeedbackUnits units, FeedbackSurveys surveys, FeedbackService service, ChannelTokens tokens,
                              RateLimiter rateLimiter, ClientAddresses addresses,
                              FeedbackConfiguration configuration, FhirJson json, FhirResponses responses,
                              TokenUses tokenUses) {
        this.tokenUses = tokenUses;
        this.units = units;
        this.surveys = surveys;
        this.service = service;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.addresses = addresses;
        this.configuration = configuration;
        this.json = json;
        this.responses = responses;
    }

    /** Why a link cannot take feedback, with its HTTP status and the page text key. */
    private static final class LinkRefused extends RuntimeException {
        final HttpStatus status;
        final String textKey;

        LinkRefused(HttpStatus status, String textKey, String message) {
            super(message);
            this.status = status;
            this.textKey = textKey;
        }
    }

    /** The link's unit, channel and token, checked. */
    private record Link(FeedbackUnits.Unit unit, String channel, @Nullable ChannelTokens.ChannelToken token) {
    }

    // ---- HTML ------------------------------------------------------------------------------------

    @Get(uri = "/{unitId}", produces = "text/html")
    public HttpResponse<String> page(@PathVariable String unitId, @Nullable @QueryValue String lang,
                                     @Nullable @QueryValue String audience, @Nullable @QueryValue String channel,
                                     @Nullable @QueryValue String token,
                                     @Nullable @Header("Accept-Language") String acceptLanguage) {
        String language = FeedbackLanguage.choose(lang, acceptLanguage);
        Link link;
        try {
            link = link(unitId, channel, token);
        } catch (LinkRefused refused) {
            return html(refused.status, FeedbackPage.message(language, FeedbackTexts.get("title", language),
                    FeedbackTexts.get(refused.textKey, language), "", null));
        }
        if (link.token() != null && tokenUses.used(link.token().tokenId())) {
            return html(HttpStatus.CONFLICT, FeedbackPage.message(language, FeedbackTexts.get("title", language),
                    FeedbackTexts.get("used", language), link.unit().name(), null));
        }
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put("lang", language);
        hidden.put("channel", channel);
        hidden.put("token", token);
        String unitName = link.unit().name();
        if (audience == null || audience.isBlank()) {
            return html(HttpStatus.OK, FeedbackPage.audienceChoice(unitName, "/feedback/" + unitId, language, hidden));
        }
        Optional<Questionnaire> questionnaire = FeedbackSurveys.AUDIENCES.contains(audience)
                ? surveys.forAudience(audience) : Optional.empty();
        if (questionnaire.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, FeedbackPage.message(language, FeedbackTexts.get("title", language),
                    FeedbackTexts.get("noSurvey", language), unitName, pageLink(unitId, language, channel, token, null)));
        }
        hidden.put("audience", audience);
        return html(HttpStatus.OK, FeedbackPage.form(unitName, questionnaire.get(), "/feedback/" + unitId + "/answer",
                language, hidden));
    }

    @Post(uri = "/{unitId}/answer", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> answer(@PathVariable String unitId, @Body Map<String, Object> form,
                                       @Nullable @Header("Accept-Language") String acceptLanguage, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("feedback-answer");
        String language = FeedbackLanguage.choose(field(form, "lang"), acceptLanguage);
        String channel = field(form, "channel");
        String token = field(form, "token");
        String audience = field(form, "audience");
        String back = pageLink(unitId, language, channel, token, audience);
        Optional<Duration> wait = rateLimiter.acquire(addresses.of(request));
        if (wait.isPresent()) {
            return retryAfter(html(HttpStatus.TOO_MANY_REQUESTS, FeedbackPage.message(language,
                    FeedbackTexts.get("problem", language), FeedbackTexts.get("tooMany", language), "", back)), wait.get());
        }
        Link link;
        try {
            link = link(unitId, channel, token);
        } catch (LinkRefused refused) {
            return html(refused.status, FeedbackPage.message(language, FeedbackTexts.get("problem", language),
                    FeedbackTexts.get(refused.textKey, language), "", null));
        }
        Optional<Questionnaire> questionnaire = audience != null && FeedbackSurveys.AUDIENCES.contains(audience)
                ? surveys.forAudience(audience) : Optional.empty();
        if (questionnaire.isEmpty()) {
            return html(HttpStatus.BAD_REQUEST, FeedbackPage.message(language, FeedbackTexts.get("problem", language),
                    FeedbackTexts.get("noSurvey", language), link.unit().name(), back));
        }
        try {
            QuestionnaireResponse response = fromForm(questionnaire.get(), form);
            QuestionnaireResponse stored = service.submit(link.unit(), response, link.channel(), link.token());
            audit.entity("QuestionnaireResponse/" + stored.getIdElement().getIdPart());
            return html(HttpStatus.OK, FeedbackPage.message(language, FeedbackTexts.get("thanks", language),
                    FeedbackTexts.get("thanksText", language), link.unit().name(), null));
        } catch (FhirException e) {
            if (e.status() == HttpStatus.CONFLICT) {
                return html(HttpStatus.CONFLICT, FeedbackPage.message(language, FeedbackTexts.get("problem", language),
                        FeedbackTexts.get("used", language), link.unit().name(), null));
            }
            List<String> messages = e.outcome().getIssue().stream().map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics).toList();
            return html(e.status(), FeedbackPage.problems(language, messages, link.unit().name(), back));
        }
    }

    // ---- QR codes --------------------------------------------------------------------------------

    @Get(uri = "/{unitId}/qr.png", produces = "image/png")
    public HttpResponse<byte[]> qrPng(@PathVariable String unitId, @Nullable @QueryValue Integer size,
                                      @Nullable @QueryValue String channel, HttpRequest<?> request) {
        int pixels = size == null ? QrCodes.DEFAULT_SIZE : size;
        if (pixels < QrCodes.MIN_SIZE || pixels > QrCodes.MAX_SIZE) {
            throw FhirException.badRequest("size must be " + QrCodes.MIN_SIZE + "–" + QrCodes.MAX_SIZE + " pixels");
        }
        String url = posterLink(unitId, channel, request);
        return HttpResponse.ok(QrCodes.png(url, pixels)).contentType(MediaType.IMAGE_PNG_TYPE)
                .header("Cache-Control", "public, max-age=3600");
    }

    @Get(uri = "/{unitId}/qr.svg", produces = "image/svg+xml")
    public HttpResponse<String> qrSvg(@PathVariable String unitId, @Nullable @QueryValue String channel,
                                      HttpRequest<?> request) {
        String url = posterLink(unitId, channel, request);
        return HttpResponse.ok(QrCodes.svg(url)).contentType(MediaType.of("image/svg+xml"))
                .header("Cache-Control", "public, max-age=3600");
    }

    // ---- FHIR for apps and kiosks ----------------------------------------------------------------

    /** The questionnaire an audience answers at this unit (default adult). */
    @Get(uri = "/{unitId}/Questionnaire", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> questionnaire(@PathVariable String unitId, @Nullable @QueryValue String audience,
                                              @Nullable @QueryValue String channel, @Nullable @QueryValue String token,
                                              HttpRequest<?> request) {
        fhirLink(unitId, channel, token);
        String wanted = audience == null ? "adult" : audience;
        Questionnaire questionnaire = (FeedbackSurveys.AUDIENCES.contains(wanted) ? surveys.forAudience(wanted) : Optional.<Questionnaire>empty())
                .orElseThrow(() -> FhirException.notFound("No feedback questionnaire for audience '" + wanted
                        + "'; audiences: " + String.join(", ", FeedbackSurveys.AUDIENCES)));
        return responses.ok(questionnaire, request);
    }

    @Post(uri = "/{unitId}/QuestionnaireResponse", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> create(@PathVariable String unitId, @Nullable @QueryValue String channel,
                                       @Nullable @QueryValue String token, @Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("feedback-answer");
        Optional<Duration> wait = rateLimiter.acquire(addresses.of(request));
        if (wait.isPresent()) {
            FhirException tooMany = new FhirException(HttpStatus.TOO_MANY_REQUESTS, IssueType.THROTTLED,
                    "Too many feedback answers from this address; retry after " + RateLimiter.retryAfterSeconds(wait.get()) + " s");
            return retryAfter(responses.resource(HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS), tooMany.outcome(), request),
                    wait.get());
        }
        Link link = fhirLink(unitId, channel, token);
        QuestionnaireResponse response = json.parseBody(body, QuestionnaireResponse.class);
        QuestionnaireResponse stored = service.submit(link.unit(), response, link.channel(), link.token());
        String id = stored.getIdElement().getIdPart();
        audit.entity("QuestionnaireResponse/" + id);
        // The answer is anonymous and nobody without a unit-manager token can read it back: no Location to follow.
        return responses.written(HttpResponse.status(HttpStatus.CREATED), stored, request, "Thank you: feedback stored");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Link fhirLink(String unitId, @Nullable String channel, @Nullable String token) {
        try {
            return link(unitId, channel, token);
        } catch (LinkRefused refused) {
            throw new FhirException(refused.status, refused.status == HttpStatus.NOT_FOUND ? IssueType.NOTFOUND
                    : refused.status == HttpStatus.BAD_REQUEST ? IssueType.INVALID : IssueType.SECURITY, refused.getMessage());
        }
    }

    /** Checks the unit and works out the channel: a token means sms; otherwise ?channel= qr (default), web or kiosk. */
    private Link link(String unitId, @Nullable String channel, @Nullable String token) {
        FeedbackUnits.Unit unit = units.find(unitId).filter(FeedbackUnits.Unit::acceptsFeedback)
                .orElseThrow(() -> new LinkRefused(HttpStatus.NOT_FOUND, "notInUse",
                        "No unit '" + unitId + "' takes feedback through this link"));
        if (token != null && !token.isBlank()) {
            ChannelTokens.ChannelToken verified;
            try {
                verified = tokens.verify(token);
            } catch (ChannelTokens.InvalidToken e) {
                throw e.expired() ? new LinkRefused(HttpStatus.GONE, "expired", e.getMessage())
                        : new LinkRefused(HttpStatus.FORBIDDEN, "invalid", e.getMessage());
            }
            if (!verified.unitId().equals(unit.id())) {
                throw new LinkRefused(HttpStatus.FORBIDDEN, "invalid", "The feedback link is not valid");
            }
            return new Link(unit, verified.channel(), verified);
        }
        String chosen = channel == null || channel.isBlank() ? "qr" : channel;
        if (!FeedbackService.LINK_CHANNELS.contains(chosen)) {
            throw new LinkRefused(HttpStatus.BAD_REQUEST, "invalid", "channel must be qr, web or kiosk (sms links carry a token)");
        }
        return new Link(unit, chosen, null);
    }

    /** The public link a poster's QR code opens; only for units that take feedback. */
    private String posterLink(String unitId, @Nullable String channel, HttpRequest<?> request) {
        Link link = fhirLink(unitId, channel, null);
        String url = publicBase(request) + "/feedback/" + URLEncoder.encode(link.unit().id(), StandardCharsets.UTF_8);
        return "qr".equals(link.channel()) ? url : url + "?channel=" + link.channel();
    }

    String publicBase(HttpRequest<?> request) {
        // never from the request's Host header, which any client chooses (PublicLinks)
        return tokens.publicLinks().base();
    }

    private static String pageLink(String unitId, String lang, @Nullable String channel, @Nullable String token,
                                    @Nullable String audience) {
        StringBuilder link = new StringBuilder("/feedback/").append(URLEncoder.encode(unitId, StandardCharsets.UTF_8))
                .append("?lang=").append(lang);
        if (audience != null) {
            link.append("&audience=").append(URLEncoder.encode(audience, StandardCharsets.UTF_8));
        }
        if (channel != null) {
            link.append("&channel=").append(URLEncoder.encode(channel, StandardCharsets.UTF_8));
        }
        if (token != null) {
            link.append("&token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
        }
        return link.toString();
    }

    /** Builds the response from form fields {@code item:<linkId>}; values the questionnaire does not offer are refused later. */
    static QuestionnaireResponse fromForm(Questionnaire questionnaire, Map<String, Object> form) {
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setQuestionnaire(questionnaire.getUrl() + "|" + questionnaire.getVersion());
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        response.setItem(formItems(questionnaire.getItem(), form));
        return response;
    }

    private static List<QuestionnaireResponseItemComponent> formItems(List<QuestionnaireItemComponent> definitions,
                                                                     Map<String, Object> form) {
        List<QuestionnaireResponseItemComponent> items = new ArrayList<>();
        for (QuestionnaireItemComponent definition : definitions) {
            if (definition.getType() == Questionnaire.QuestionnaireItemType.GROUP) {
                List<QuestionnaireResponseItemComponent> children = formItems(definition.getItem(), form);
                if (!children.isEmpty()) {
                    items.add(new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId()).setItem(children));
                }
                continue;
            }
            String value = field(form, FeedbackPage.FIELD_PREFIX + definition.getLinkId());
            if (value == null || value.isBlank()) {
                continue;
            }
            QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId());
            item.addAnswer().setValue(answerValue(definition, value.strip()));
            items.add(item);
        }
        return items;
    }

    private static Type answerValue(QuestionnaireItemComponent definition, String value) {
        for (QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
            if (FeedbackPage.optionValue(option).equals(value)) {
                return option.getValue() instanceof Coding c ? new Coding(c.getSystem(), c.getCode(), c.getDisplay())
                        : option.getValue().copy();
            }
        }
        switch (definition.getType()) {
            case INTEGER, CHOICE -> {
                try {
                    return new IntegerType(Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    return definition.getType() == Questionnaire.QuestionnaireItemType.CHOICE
                            ? new Coding(null, value, null) : new StringType(value);
                }
            }
            case DECIMAL -> {
                try {
                    return new DecimalType(value);
                } catch (NumberFormatException e) {
                    return new StringType(value);
                }
            }
            default -> {
                return new StringType(value);
            }
        }
    }

    @Nullable
    private static String field(Map<String, Object> form, String name) {
        Object value = form.get(name);
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        return value == null ? null : value.toString();
    }

    private static MutableHttpResponse<String> html(HttpStatus status, String page) {
        return HttpResponse.<String>status(status).body(page).contentType(HTML)
                .header("Content-Security-Policy", FeedbackPage.CONTENT_SECURITY_POLICY);
    }

    private static <T> MutableHttpResponse<T> retryAfter(MutableHttpResponse<T> response, Duration wait) {
        return response.header("Retry-After", Long.toString(RateLimiter.retryAfterSeconds(wait)));
    }
}
