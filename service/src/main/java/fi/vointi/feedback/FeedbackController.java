package fi.vointi.feedback;

import fi.vointi.web.FormFields;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.QuestionnaireForm;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

    private final FeedbackUnits units;
    private final FeedbackSurveys surveys;
    private final FeedbackService service;
    private final ChannelTokens tokens;
    private final PublicLinks publicLinks;
    private final FhirJson json;
    private final FhirResponses responses;
    private final TokenUses tokenUses;
    private final HtmlPages pages;
    private final FormSubmissions submissions;
    /** How long a kiosk shows the thank-you page before an empty form (vointi.feedback.kiosk-return-seconds). */
    @Value("${vointi.feedback.kiosk-return-seconds:15}")
    int kioskReturnSeconds = 15;

    public FeedbackController(FeedbackUnits units, FeedbackSurveys surveys, FeedbackService service, ChannelTokens tokens,
                              PublicLinks publicLinks, FhirJson json, FhirResponses responses,
                              TokenUses tokenUses, HtmlPages pages, FormSubmissions submissions) {
        this.tokenUses = tokenUses;
        this.pages = pages;
        this.submissions = submissions;
        this.units = units;
        this.surveys = surveys;
        this.service = service;
        this.tokens = tokens;
        this.publicLinks = publicLinks;
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
    public HttpResponse<String> page(@PathVariable String unitId, @Nullable @QueryValue String audience,
                                     @Nullable @QueryValue String channel, @Nullable @QueryValue String token,
                                     HttpRequest<?> request) {
        String lang = Languages.of(request);
        Link link;
        try {
            link = link(unitId, channel, token);
        } catch (LinkRefused refused) {
            return refusal(request, lang, refused.status, refused.textKey, null);
        }
        if (link.token() != null && tokenUses.used(link.token().tokenId())) {
            return refusal(request, lang, HttpStatus.CONFLICT, "feedback.used", link.unit());
        }
        String chosen = link.token() != null && link.token().audience() != null ? link.token().audience() : audience;
        if (chosen == null || chosen.isBlank()) {
            return audienceChoice(request, lang, link, channel, token, request.getParameters().contains("step"));
        }
        Optional<Questionnaire> questionnaire = survey(link, chosen);
        if (questionnaire.isEmpty()) {
            return refusal(request, lang, HttpStatus.NOT_FOUND, "staff".equals(chosen) ? "feedback.staffOnly" : "feedback.noSurvey",
                    link.unit());
        }
        return form(request, HttpStatus.OK, lang, link, chosen, questionnaire.get(), channel, token, FormSubmissions.newId(),
                Map.of(), Map.of());
    }

    @Post(uri = "/{unitId}/answer", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> answer(@PathVariable String unitId, @Body Map<String, Object> form, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("feedback-answer");
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        String channel = values.get("channel");
        String token = values.get("token");
        Link link;
        try {
            link = link(unitId, channel, token);
        } catch (LinkRefused refused) {
            return refusal(request, lang, refused.status, refused.textKey, null);
        }
        String audience = link.token() != null && link.token().audience() != null ? link.token().audience() : values.get("audience");
        Optional<Questionnaire> questionnaire = audience == null ? Optional.empty() : survey(link, audience);
        if (questionnaire.isEmpty()) {
            return refusal(request, lang, HttpStatus.NOT_FOUND, "staff".equals(audience) ? "feedback.staffOnly" : "feedback.noSurvey",
                    link.unit());
        }
        String submission = values.get("submission");
        Map<String, QuestionnaireForm.FieldError> problems = QuestionnaireForm.check(questionnaire.get(), values, lang);
        if (!problems.isEmpty()) {
            return form(request, HttpStatus.UNPROCESSABLE_ENTITY, lang, link, audience, questionnaire.get(), channel, token,
                    submission, values, problems);
        }
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setQuestionnaire(questionnaire.get().getUrl() + "|" + questionnaire.get().getVersion());
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        response.setItem(QuestionnaireForm.responseItems(questionnaire.get(), values));
        try {
            QuestionnaireResponse stored = submissions.submitOnce(submission, link.unit(), response, link.channel(), link.token());
            if (stored != null) {
                audit.entity("QuestionnaireResponse/" + stored.getIdElement().getIdPart());
            }
        } catch (FhirException e) {
            if (e.status() == HttpStatus.TOO_MANY_REQUESTS) {
                // the one anonymous-answering limit (AnonymousAnswerAdmission), shown as a page
                return refusal(request, lang, HttpStatus.TOO_MANY_REQUESTS, "error.429.text", null)
                        .header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            if (e.status() == HttpStatus.CONFLICT) {
                return refusal(request, lang, HttpStatus.CONFLICT, "feedback.used", link.unit());
            }
            // the page's own checks passed, so this is rare (e.g. a questionnaire rule the page does not know):
            // keep the answers and say it in the page language
            Map<String, QuestionnaireForm.FieldError> unsaved = new LinkedHashMap<>();
            String notSaved = Messages.get(lang, "feedback.error.notSaved");
            unsaved.put("", new QuestionnaireForm.FieldError(notSaved, notSaved));
            return form(request, HttpStatus.valueOf(e.status().getCode()), lang, link, audience, questionnaire.get(), channel,
                    token, submission, values, unsaved);
        }
        // post/redirect/get: reload or Back never sends the answer again
        return HttpResponse.<String>seeOther(URI.create(thanksLink(unitId, lang, audience, link.channel())))
                .header("Cache-Control", "no-store");
    }

    /** The thank-you page; on a kiosk it returns to an empty form by itself. */
    @Get(uri = "/{unitId}/thanks", produces = "text/html")
    public HttpResponse<String> thanks(@PathVariable String unitId, @Nullable @QueryValue String audience,
                                       @Nullable @QueryValue String channel, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Optional<FeedbackUnits.Unit> unit = units.find(unitId).filter(FeedbackUnits.Unit::acceptsFeedback);
        if (unit.isEmpty()) {
            return refusal(request, lang, HttpStatus.NOT_FOUND, "feedback.notInUse", null);
        }
        boolean kiosk = "kiosk".equals(channel);
        boolean child = "child".equals(audience);
        String again = pageLink(unitId, kiosk ? "kiosk" : null, null, null);
        Page page = Page.of(request, lang, Messages.get(lang, child ? "feedback.thanks.child" : "feedback.thanks"));
        if (kiosk) {
            page = page.withScript("/assets/kiosk.js", again).withBodyClass("kiosk-thanks");
        }
        if (child) {
            page = page.withBodyClass((page.bodyClass() + " child").strip());
        }
        return pages.render(request, HttpStatus.OK, "feedback/thanks", page, new FeedbackViews.ThanksView(page.title(),
                Messages.get(lang, "feedback.thanks.text"), unit.get().name(lang), unit.get().nameLang(lang), kiosk, again, kioskReturnSeconds));
    }

    private HttpResponse<String> audienceChoice(HttpRequest<?> request, String lang, Link link, @Nullable String channel,
                                                @Nullable String token, boolean continuedWithoutChoice) {
        List<FeedbackViews.Hidden> hidden = hiddenFields(lang, channel, token, null, null);
        hidden.add(new FeedbackViews.Hidden("step", "audience"));
        List<FeedbackViews.AudienceOption> options = FeedbackSurveys.PUBLIC_AUDIENCES.stream()
                .map(a -> new FeedbackViews.AudienceOption("audience-" + a, a, Messages.get(lang, "feedback.audience." + a)))
                .toList();
        String error = continuedWithoutChoice ? Messages.get(lang, "feedback.error.choose", Messages.get(lang, "feedback.who")) : null;
        Page page = Page.of(request, lang, (error == null ? "" : Messages.get(lang, "title.error.prefix") + ": ")
                + Messages.get(lang, "feedback.title")).withHere(pageLink(link.unit().id(), channel, token, null));
        return pages.render(request, error == null ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY, "feedback/audience", page,
                new FeedbackViews.AudienceChoiceView(link.unit().name(lang), link.unit().nameLang(lang),
                        "/feedback/" + encode(link.unit().id()), hidden, options, error));
    }

    private MutableHttpResponse<String> form(HttpRequest<?> request, HttpStatus status, String lang, Link link, String audience,
                                      Questionnaire questionnaire, @Nullable String channel, @Nullable String token,
                                      @Nullable String submission, Map<String, String> values,
                                             Map<String, QuestionnaireForm.FieldError> problems) {
        boolean child = "child".equals(audience);
        boolean kiosk = "kiosk".equals(link.channel());
        List<QuestionnaireForm.ItemView> items = QuestionnaireForm.items(questionnaire, lang, values, problems, child);
        List<QuestionnaireForm.Problem> summary = new ArrayList<>(QuestionnaireForm.problems(items, problems));
        if (problems.containsKey("")) {
            summary.add(0, new QuestionnaireForm.Problem(items.isEmpty() ? "main" : items.get(0).focusId(),
                    problems.get("").summary()));
        }
        String title = Languages.text(questionnaire.getTitleElement(), lang);
        Page page = Page.of(request, lang, summary.isEmpty() ? title : Messages.get(lang, "title.error.prefix") + ": " + title)
                .withHere(pageLink(link.unit().id(), channel, token, audience));
        if (child) {
            page = page.withBodyClass("child");
        }
        if (kiosk) {
            page = page.withScript("/assets/kiosk.js", null).withBodyClass((page.bodyClass() + " kiosk-form").strip());
        }
        FeedbackViews.FormView view = new FeedbackViews.FormView(link.unit().name(lang), link.unit().nameLang(lang), title,
                Languages.languageOf(questionnaire.getTitleElement(), lang),
                Languages.text(questionnaire.getDescriptionElement(), lang),
                Languages.languageOf(questionnaire.getDescriptionElement(), lang),
                Messages.get(lang, child ? "feedback.anonymous.child" : "feedback.anonymous"),
                "/feedback/" + encode(link.unit().id()) + "/answer",
                hiddenFields(lang, channel, token, audience, submission), items, summary, child, kiosk,
                Messages.get(lang, child ? "feedback.send.child" : "feedback.send"),
                Messages.get(lang, child ? "feedback.scale.low.child" : "feedback.scale.low"),
                Messages.get(lang, child ? "feedback.scale.high.child" : "feedback.scale.high"));
        return pages.render(request, status, "feedback/form", page, view);
    }

    /** A page that says why the link cannot take this answer; names the unit only when the link got that far. */
    private MutableHttpResponse<String> refusal(HttpRequest<?> request, String lang, HttpStatus status, String textKey,
                                         @Nullable FeedbackUnits.Unit unit) {
        String heading = Messages.get(lang, status.getCode() >= 400 && status != HttpStatus.CONFLICT ? "feedback.problem" : "feedback.title");
        Page page = Page.of(request, lang, heading);
        return pages.message(request, status, page, new HtmlPages.MessageView(heading, Messages.get(lang, textKey), null, null,
                unit == null ? null : unit.name(lang), status.getCode() >= 400 && status != HttpStatus.CONFLICT));
    }

    /** The survey an audience answers through this link: staff only through a staff link. */
    private Optional<Questionnaire> survey(Link link, String audience) {
        if (!FeedbackSurveys.AUDIENCES.contains(audience)) {
            return Optional.empty();
        }
        boolean staffLink = link.token() != null && "staff".equals(link.token().audience());
        if ("staff".equals(audience) != staffLink) {
            return Optional.empty();
        }
        return surveys.forAudience(audience);
    }

    private static List<FeedbackViews.Hidden> hiddenFields(String lang, @Nullable String channel, @Nullable String token,
                                                          @Nullable String audience, @Nullable String submission) {
        List<FeedbackViews.Hidden> hidden = new ArrayList<>();
        hidden.add(new FeedbackViews.Hidden("lang", lang));
        if (channel != null && !channel.isBlank()) {
            hidden.add(new FeedbackViews.Hidden("channel", channel));
        }
        if (token != null && !token.isBlank()) {
            hidden.add(new FeedbackViews.Hidden("token", token));
        }
        if (audience != null) {
            hidden.add(new FeedbackViews.Hidden("audience", audience));
        }
        if (submission != null && !submission.isBlank()) {
            hidden.add(new FeedbackViews.Hidden("submission", submission));
        }
        return hidden;
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

    @Post(uri = "/{unitId}/QuestionnaireResponse", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> create(@PathVariable String unitId, @Nullable @QueryValue String channel,
                                       @Nullable @QueryValue String token, @Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("feedback-answer");
        Link link = fhirLink(unitId, channel, token);
        QuestionnaireResponse response = json.parseBody(body, QuestionnaireResponse.class, request);
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
                .orElseThrow(() -> new LinkRefused(HttpStatus.NOT_FOUND, "feedback.notInUse",
                        "No unit '" + unitId + "' takes feedback through this link"));
        if (token != null && !token.isBlank()) {
            ChannelTokens.ChannelToken verified;
            try {
                verified = tokens.verify(token);
            } catch (ChannelTokens.InvalidToken e) {
                throw e.expired() ? new LinkRefused(HttpStatus.GONE, "feedback.expired", e.getMessage())
                        : new LinkRefused(HttpStatus.FORBIDDEN, "feedback.invalid", e.getMessage());
            }
            if (!verified.unitId().equals(unit.id())) {
                throw new LinkRefused(HttpStatus.FORBIDDEN, "feedback.invalid", "The feedback link is not valid");
            }
            return new Link(unit, verified.channel(), verified);
        }
        String chosen = channel == null || channel.isBlank() ? "qr" : channel;
        if (!FeedbackService.LINK_CHANNELS.contains(chosen)) {
            throw new LinkRefused(HttpStatus.BAD_REQUEST, "feedback.invalid", "channel must be qr, web or kiosk (sms links carry a token)");
        }
        return new Link(unit, chosen, null);
    }

    /** The public link a poster's QR code opens; only for units that take feedback. */
    private String posterLink(String unitId, @Nullable String channel, HttpRequest<?> request) {
        Link link = fhirLink(unitId, channel, null);
        // never from the request's Host header, which any client chooses (PublicLinks)
        String url = publicLinks.base() + "/feedback/" + URLEncoder.encode(link.unit().id(), StandardCharsets.UTF_8);
        return "qr".equals(link.channel()) ? url : url + "?channel=" + link.channel();
    }

    private static String pageLink(String unitId, @Nullable String channel, @Nullable String token, @Nullable String audience) {
        UriBuilder link = UriBuilder.of("/feedback/" + encode(unitId));
        if (audience != null) {
            link.queryParam("audience", audience);
        }
        if (channel != null && !channel.isBlank()) {
            link.queryParam("channel", channel);
        }
        if (token != null && !token.isBlank()) {
            link.queryParam("token", token);
        }
        return link.toString();
    }

    private static String thanksLink(String unitId, String lang, @Nullable String audience, String channel) {
        UriBuilder link = UriBuilder.of("/feedback/" + encode(unitId) + "/thanks").queryParam("lang", lang);
        if (audience != null) {
            link.queryParam("audience", audience);
        }
        if ("kiosk".equals(channel)) {
            link.queryParam("channel", channel);
        }
        return link.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }


}
