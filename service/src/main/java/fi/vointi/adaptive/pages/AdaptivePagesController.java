package fi.vointi.adaptive.pages;

import fi.vointi.web.FormFields;
import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.adaptive.pages.AdaptiveViews.Heading;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.QuestionnaireForm;
import fi.vointi.web.answer.PatientNames;
import io.micronaut.core.annotation.Nullable;
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
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The adaptive test (CAT) as pages for a signed-in patient or guardian: {@code /app/adaptive/start?task=} (the
 * invitation) and {@code /app/adaptive/{responseId}} (one question per page, chosen by the same
 * {@code NextQuestionService} as {@code $next-question}). Every answer is saved as an in-progress response and a
 * recorded answer is never changed: a form sent again for an earlier question only shows the current one. Who may do
 * what is decided by the services with {@code AccessPolicy}; someone else's id is the same 404 as an unknown one.
 */
@Controller("/app/adaptive")
@Secured(SecurityRule.IS_ANONYMOUS) // sign-in is checked per request: anonymous people are sent to /signin
@ExecuteOn(TaskExecutors.BLOCKING)
public class AdaptivePagesController {
    private final AdaptiveAnswering answering;
    private final AdaptiveRun run;
    private final ResponseService responses;
    private final CallerResolver callers;
    private final HtmlPages pages;

    public AdaptivePagesController(AdaptiveAnswering answering, AdaptiveRun run, ResponseService responses,
                                   CallerResolver callers, HtmlPages pages) {
        this.answering = answering;
        this.run = run;
        this.responses = responses;
        this.callers = callers;
        this.pages = pages;
    }

    // ---- the invitation --------------------------------------------------------------------------

    @Get(uri = "/start", produces = "text/html")
    public HttpResponse<String> invitation(@Nullable @QueryValue String task, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("read");
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(request.getUri().toString());
        }
        String lang = Languages.of(request);
        AdaptiveAnswering.Invited invited = answering.invited(caller, required(task));
        audit.entity("Task/" + invited.invitation().id()).patient(invited.invitation().patientId());
        if (invited.invitation().used()) {
            return answeredAlready(request, lang, caller, invited);
        }
        if (invited.invitation().expiredAt(java.time.Instant.now())) {
            return message(request, HttpStatus.GONE, lang, "app.cat.expired.title", "app.cat.expired.text", "/app",
                    "app.cat.home");
        }
        AdaptiveBank bank = invited.bank();
        Heading heading = heading(bank, lang, caller, invited.invitation().patientId());
        Page page = Page.of(request, lang, heading.title());
        return pages.render(request, HttpStatus.OK, "app/cat/start", page, new AdaptiveViews.StartView(heading,
                Languages.text(bank.questionnaire().getDescriptionElement(), lang),
                Languages.languageOf(bank.questionnaire().getDescriptionElement(), lang), "/app/adaptive/start", invited.invitation().id(), lang, bank.design().minItems(), bank.design().maxItems(),
                invited.invitation().draftResponseId() != null));
    }

    @Post(uri = "/start", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> start(@Body Map<String, Object> form, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("create");
        Map<String, String> values = FormFields.firstValues(form);
        Caller caller = callers.resolve(request);
        String task = required(values.get("task"));
        if (caller.isAnonymous()) {
            return signIn("/app/adaptive/start?task=" + encode(task));
        }
        AdaptiveAnswering.Invited invited = answering.invited(caller, task);
        audit.entity("Task/" + invited.invitation().id()).patient(invited.invitation().patientId());
        if (invited.invitation().used() || invited.invitation().expiredAt(java.time.Instant.now())) {
            return FormFields.seeOther("/app/adaptive/start?task=" + encode(task));
        }
        QuestionnaireResponse started = answering.start(caller, invited);
        audit.entity("QuestionnaireResponse/" + started.getIdElement().getIdPart());
        return FormFields.seeOther(questionPath(started.getIdElement().getIdPart()));
    }

    // ---- one question per page -------------------------------------------------------------------

    @Get(uri = "/{id}", produces = "text/html")
    public HttpResponse<String> question(@PathVariable String id, @Nullable @QueryValue String answered,
                                         HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("read").entity("QuestionnaireResponse/" + id);
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(request.getUri().toString());
        }
        String lang = Languages.of(request);
        Loaded loaded = load(caller, id);
        audit.patient(loaded.patientId());
        if (loaded.stored().getStatus() == QuestionnaireResponseStatus.INPROGRESS) {
            AdaptiveRun.Position position = run.position(loaded.bank(), loaded.stored(), null);
            if (position.finished()) {
                return finished(request, HttpStatus.OK, lang, caller, loaded, position.working().getItem().size(), true);
            }
            return questionPage(request, HttpStatus.OK, lang, caller, loaded, position, Map.of(), Map.of(),
                    answered != null ? Messages.get(lang, "app.cat.alreadyAnswered") : null);
        }
        if (loaded.stored().getStatus() == QuestionnaireResponseStatus.COMPLETED
                || loaded.stored().getStatus() == QuestionnaireResponseStatus.AMENDED) {
            return finished(request, HttpStatus.OK, lang, caller, loaded, loaded.stored().getItem().size(), false);
        }
        return message(request, HttpStatus.OK, lang, "app.cat.closed.title", "app.cat.closed.text", "/app", "app.cat.home");
    }

    @Post(uri = "/{id}", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> answer(@PathVariable String id, @Body Map<String, Object> form, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("update").entity("QuestionnaireResponse/" + id);
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(questionPath(id));
        }
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        Loaded loaded = load(caller, id);
        audit.patient(loaded.patientId());
        if (loaded.stored().getStatus() != QuestionnaireResponseStatus.INPROGRESS) {
            // sent again after the end (Back, reload): the recorded test stays as it is
            return FormFields.seeOther(questionPath(id));
        }
        AdaptiveRun.Position position = run.position(loaded.bank(), loaded.stored(), null);
        try {
            if (position.finished()) {
                // the answers already met the stopping rule (e.g. saved by another client): store the result
                answering.complete(caller, loaded.stored(), position);
                return FormFields.seeOther("/app/results/" + encode(id) + "?sent=1");
            }
            String linkId = values.get("question");
            if (linkId == null || !linkId.equals(position.question().getLinkId())) {
                // an earlier question's form sent again (Back and send): never changes a recorded answer
                return FormFields.seeOther(questionPath(id) + "?answered=1");
            }
            Questionnaire one = single(position.question());
            Map<String, QuestionnaireForm.FieldError> problems = QuestionnaireForm.check(one, values, lang);
            if (!problems.isEmpty()) {
                return questionPage(request, HttpStatus.UNPROCESSABLE_ENTITY, lang, caller, loaded, position, values,
                        problems, null);
            }
            QuestionnaireResponseItemComponent given = QuestionnaireForm.responseItems(one, values).get(0);
            AdaptiveRun.Position after = run.position(loaded.bank(), loaded.stored(), given);
            if (after.finished()) {
                answering.complete(caller, loaded.stored(), after);
                // hand-over to the results part: the score and the sharing question
                return FormFields.seeOther("/app/results/" + encode(id) + "?sent=1");
            }
            answering.save(caller, loaded.stored(), after);
            return FormFields.seeOther(questionPath(id));
        } catch (FhirException e) {
            if (e.status() == HttpStatus.PRECONDITION_FAILED || e.status() == HttpStatus.CONFLICT) {
                // another tab or device saved first: show where the test now stands, nothing recorded is changed
                return FormFields.seeOther(questionPath(id) + "?answered=1");
            }
            throw e;
        }
    }

    // ---- views -----------------------------------------------------------------------------------

    private MutableHttpResponse<String> questionPage(HttpRequest<?> request, HttpStatus status, String lang, Caller caller,
                                                     Loaded loaded, AdaptiveRun.Position position, Map<String, String> values,
                                                     Map<String, QuestionnaireForm.FieldError> problems, @Nullable String notice) {
        Heading heading = heading(loaded.bank(), lang, caller, loaded.patientId());
        QuestionnaireForm.ItemView item = QuestionnaireForm.items(single(position.question()), lang, values, problems,
                false).get(0);
        List<QuestionnaireForm.Problem> summary = QuestionnaireForm.problems(List.of(item), problems);
        String title = Messages.get(lang, "app.cat.questionNumber", position.number()) + " – " + heading.title();
        Page page = Page.of(request, lang, summary.isEmpty() ? title : Messages.get(lang, "title.error.prefix") + ": " + title)
                .withHere(questionPath(loaded.id()));
        return pages.render(request, status, "app/cat/question", page, new AdaptiveViews.QuestionView(heading,
                position.number(), item, summary, questionPath(loaded.id()), position.question().getLinkId(), lang, notice));
    }

    private MutableHttpResponse<String> finished(HttpRequest<?> request, HttpStatus status, String lang, Caller caller,
                                                 Loaded loaded, int answered, boolean unsent) {
        Heading heading = heading(loaded.bank(), lang, caller, loaded.patientId());
        String score = null;
        String se = null;
        if (!unsent) {
            Optional<Observation> observation = answering.score(caller, loaded.id());
            if (observation.isPresent() && observation.get().getValue() instanceof Quantity value) {
                score = number(value.getValue(), lang);
                se = observation.get().getComponent().stream()
                        .filter(c -> c.getCode().getCoding().stream().anyMatch(x -> "standard-error".equals(x.getCode())))
                        .map(c -> c.getValue() instanceof Quantity q ? number(q.getValue(), lang) : null)
                        .findFirst().orElse(null);
            }
        }
        Page page = Page.of(request, lang, Messages.get(lang, "app.cat.finished.title") + " – " + heading.title())
                .withHere(questionPath(loaded.id()));
        return pages.render(request, status, "app/cat/finished", page, new AdaptiveViews.FinishedView(heading, score, se,
                answered, "/app/results/" + encode(loaded.id()), unsent ? questionPath(loaded.id()) : null, lang));
    }

    private MutableHttpResponse<String> answeredAlready(HttpRequest<?> request, String lang, Caller caller,
                                                        AdaptiveAnswering.Invited invited) {
        String responseId = invited.invitation().responseId();
        String link = responseId == null ? "/app" : "/app/results/" + encode(responseId);
        return message(request, HttpStatus.OK, lang, "app.cat.used.title", "app.cat.used.text", link,
                responseId == null ? "app.cat.home" : "app.cat.results");
    }

    private MutableHttpResponse<String> message(HttpRequest<?> request, HttpStatus status, String lang, String titleKey,
                                                String textKey, String link, String linkKey) {
        Page page = Page.of(request, lang, Messages.get(lang, titleKey));
        return pages.message(request, status, page, new HtmlPages.MessageView(page.title(), Messages.get(lang, textKey), link,
                Messages.get(lang, linkKey), null, status.getCode() >= 400));
    }

    /** The test's title and whose test it is, in the page language. */
    private static Heading heading(AdaptiveBank bank, String lang, Caller caller, String patientId) {
        var titleElement = bank.questionnaire().getTitleElement();
        boolean own = patientId != null && patientId.equals(caller.patientId());
        String forWhom = own ? Messages.get(lang, "app.cat.forSelf") : Messages.get(lang, "app.cat.forChild", PatientNames.of(patientId));
        return new Heading(Languages.text(titleElement, lang), Languages.languageOf(titleElement, lang), forWhom);
    }

    /** A CAT question is always answered: shown without "(optional)" and checked as required. */
    private static Questionnaire single(QuestionnaireItemComponent question) {
        Questionnaire one = new Questionnaire();
        one.addItem(question.copy().setRequired(true));
        return one;
    }

    // ---- loading and helpers ---------------------------------------------------------------------

    private record Loaded(String id, QuestionnaireResponse stored, AdaptiveBank bank, String patientId) {
    }

    /** A response the caller may read and that answers an adaptive bank; 404 (the same as unknown) otherwise. */
    private Loaded load(Caller caller, String id) {
        QuestionnaireResponse stored = responses.read(caller, id);
        AdaptiveBank bank = run.bankOf(stored).orElseThrow(() -> FhirException.notFound("QuestionnaireResponse/" + id
                + " is not known"));
        String patient = stored.getSubject().getReferenceElement().getIdPart();
        return new Loaded(id, stored, bank, patient);
    }

    private static String required(@Nullable String value) {
        if (value == null || value.isBlank()) {
            throw FhirException.notFound("No invitation named");
        }
        return value;
    }

    private static String number(BigDecimal value, String lang) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.forLanguageTag(lang));
        format.setMinimumFractionDigits(Math.max(0, value.scale()));
        format.setMaximumFractionDigits(Math.max(0, value.scale()));
        format.setGroupingUsed(false);
        return format.format(value);
    }

    private static String questionPath(String id) {
        return "/app/adaptive/" + encode(id);
    }

    static MutableHttpResponse<String> signIn(String returnTo) {
        return FormFields.seeOther("/signin?return=" + encode(returnTo));
    }


    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
