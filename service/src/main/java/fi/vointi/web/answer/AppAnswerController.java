package fi.vointi.web.answer;

import fi.vointi.adaptive.AdaptiveBank;
import java.util.function.BiFunction;
import fi.vointi.web.FormFields;
import fi.vointi.audit.AuditContext;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.invitations.Invitation;
import fi.vointi.invitations.InvitationService;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
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
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Answering a fixed questionnaire when signed in (docs/web.md, "Patient pages"):
 * <ul>
 * <li>{@code GET /app/answer/start?task={taskId}} — page 1 of an invitation (or 303 to its draft);
 * {@code POST} the same address saves page 1 as the draft;</li>
 * <li>{@code GET /app/answer/{responseId}} — 303 to the first unanswered page (resume, also on another device);</li>
 * <li>{@code GET|POST /app/answer/{responseId}/page/{n}}, {@code GET …/review}, {@code POST …/send} (303 to
 * {@code /app/results/{responseId}?sent=1}).</li>
 * </ul>
 * Everything is stored and read through {@link ResponseService} and {@link InvitationService} with the caller: the
 * access policy of the FHIR API decides; someone else's id answers the same 404 page as an unknown one.
 */
@Controller("/app/answer")
@Secured(SecurityRule.IS_ANONYMOUS) // anonymous callers are sent to the sign-in in code
@ExecuteOn(TaskExecutors.BLOCKING)
public class AppAnswerController {
    private final CallerResolver callers;
    private final InvitationService invitations;
    private final ResponseService responses;
    private final QuestionnaireCatalog catalog;
    private final AnswerFlow flow;
    private final HtmlPages pages;

    public AppAnswerController(CallerResolver callers, InvitationService invitations, ResponseService responses,
                               QuestionnaireCatalog catalog, AnswerFlow flow, HtmlPages pages) {
        this.callers = callers;
        this.invitations = invitations;
        this.responses = responses;
        this.catalog = catalog;
        this.flow = flow;
        this.pages = pages;
    }

    // ---- start from an invitation ---------------------------------------------------------------------

    @Get(uri = "/start", produces = "text/html")
    public HttpResponse<String> start(@Nullable @QueryValue String task, HttpRequest<?> request) {
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return SignInRedirect.to(request);
        }
        String lang = Languages.of(request);
        Invitation invitation = invitation(caller, task, request, "read");
        MutableHttpResponse<String> refused = unusable(request, lang, invitation);
        if (refused != null) {
            return refused;
        }
        if (invitation.draftResponseId() != null) {
            return FormFields.seeOther("/app/answer/" + invitation.draftResponseId());
        }
        Questionnaire questionnaire = invitations.questionnaire(invitation);
        if (AdaptiveBank.isAdaptive(questionnaire)) {
            return FormFields.seeOther("/app/adaptive/start?task=" + encode(invitation.id()));
        }
        return flow.page(request, lang, startTarget(caller, invitation, questionnaire, lang), 1, false, false);
    }

    @Post(uri = "/start", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> startPost(@Nullable @QueryValue String task, @Body Map<String, Object> body, HttpRequest<?> request) {
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return SignInRedirect.to(request);
        }
        var form = AnswerFlow.fields(body);
        String lang = AnswerFlow.lang(request, form);
        Invitation invitation = invitation(caller, task, request, "create");
        MutableHttpResponse<String> refused = unusable(request, lang, invitation);
        if (refused != null) {
            return refused;
        }
        if (invitation.draftResponseId() != null) {
            // saved meanwhile in another window or through the link: continue there
            return FormFields.seeOther("/app/answer/" + invitation.draftResponseId());
        }
        Questionnaire questionnaire = invitations.questionnaire(invitation);
        if (AdaptiveBank.isAdaptive(questionnaire)) {
            return FormFields.seeOther("/app/adaptive/start?task=" + encode(invitation.id()));
        }
        AuditContext audit = AuditContext.of(request);
        return flow.post(request, startTarget(caller, invitation, questionnaire, lang), 1, form, draft -> {
            String id = invitations.startDraft(caller, invitation, draft).getIdElement().getIdPart();
            audit.entity("QuestionnaireResponse/" + id);
            return "/app/answer/" + id;
        });
    }

    private AnswerFlow.Target startTarget(Caller caller, Invitation invitation, Questionnaire questionnaire, String lang) {
        return new AnswerFlow.Target(questionnaire, invitations.newResponse(invitation), "/app/answer/start",
                "/app/answer/start?task=" + encode(invitation.id()), forWhom(caller, invitation.patientId(), lang));
    }

    // ---- a draft ----------------------------------------------------------------------------------------

    @Get(uri = "/{id}", produces = "text/html")
    public HttpResponse<String> resume(@PathVariable String id, HttpRequest<?> request) {
        return onDraft(request, id, null, (caller, target) -> flow.resume(target, Languages.of(request)));
    }

    @Get(uri = "/{id}/page/{number}", produces = "text/html")
    public HttpResponse<String> page(@PathVariable String id, @PathVariable String number, @Nullable @QueryValue String review,
                                     @Nullable @QueryValue String added, HttpRequest<?> request) {
        return onDraft(request, id, null, (caller, target) -> orNotFound(flow.page(request, Languages.of(request), target,
                number(number), "1".equals(review), "1".equals(added))));
    }

    @Post(uri = "/{id}/page/{number}", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> save(@PathVariable String id, @PathVariable String number, @Body Map<String, Object> body,
                                     HttpRequest<?> request) {
        return onDraft(request, id, "update", (caller, target) -> orNotFound(flow.post(request, target, number(number),
                AnswerFlow.fields(body), response -> {
                    responses.update(caller, id, response, null);
                    return "/app/answer/" + id;
                })));
    }

    @Get(uri = "/{id}/review", produces = "text/html")
    public HttpResponse<String> review(@PathVariable String id, HttpRequest<?> request) {
        return onDraft(request, id, null, (caller, target) -> flow.review(request, Languages.of(request), target));
    }

    @Post(uri = "/{id}/send", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> send(@PathVariable String id, @Body Map<String, Object> body, HttpRequest<?> request) {
        return onDraft(request, id, "update", (caller, target) -> flow.send(request, target, AnswerFlow.fields(body), response -> {
            invitations.completeDraft(caller, id, response);
            // the results part shows the scores and asks whether to share them (hand-over point)
            return "/app/results/" + encode(id) + "?sent=1";
        }));
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** A draft to answer, or where to go instead (a completed response: its results; an adaptive one: its pages). */
    private record Draft(@Nullable AnswerFlow.Target target, @Nullable MutableHttpResponse<String> redirect) {
    }

    /**
     * What every draft page does first: an anonymous browser goes to sign-in; {@code operation} (a write) is recorded
     * before the draft is looked up, so that a refusal is audited as the write it was; a response that is not a draft
     * here (sent, or adaptive) redirects; otherwise {@code answer} handles the draft.
     */
    private HttpResponse<String> onDraft(HttpRequest<?> request, String id, @Nullable String operation,
                                         BiFunction<Caller, AnswerFlow.Target, HttpResponse<String>> answer) {
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return SignInRedirect.to(request);
        }
        if (operation != null) {
            AuditContext.of(request).operation(operation);
        }
        Draft draft = draft(caller, id, request);
        return draft.redirect() != null ? draft.redirect() : answer.apply(caller, draft.target());
    }

    private Draft draft(Caller caller, String id, HttpRequest<?> request) {
        QuestionnaireResponse response = responses.read(caller, id); // 404 for unknown and for someone else's
        String patientId = response.getSubject().getReferenceElement().getIdPart();
        AuditContext.of(request).entity("QuestionnaireResponse/" + id).patient(patientId);
        if (response.getStatus() != QuestionnaireResponseStatus.INPROGRESS) {
            return new Draft(null, FormFields.seeOther("/app/results/" + encode(id)));
        }
        Questionnaire questionnaire = catalog.resolve(CanonicalRef.parse(response.getQuestionnaire()))
                .orElseThrow(() -> FhirException.notFound("The questionnaire of this response is no longer available"));
        if (AdaptiveBank.isAdaptive(questionnaire)) {
            return new Draft(null, FormFields.seeOther("/app/adaptive/" + encode(id)));
        }
        return new Draft(new AnswerFlow.Target(questionnaire, response, "/app/answer/" + id, null,
                forWhom(caller, patientId, Languages.of(request))), null);
    }

    private Invitation invitation(Caller caller, @Nullable String task, HttpRequest<?> request, String operation) {
        if (task == null || task.isBlank()) {
            throw FhirException.notFound("No invitation given");
        }
        Invitation invitation = invitations.read(caller, task); // 404 for unknown and for someone else's
        AuditContext.of(request).operation(operation).entity("Task/" + invitation.id()).patient(invitation.patientId());
        return invitation;
    }

    /** A page saying why an invitation cannot be answered any more, or null. */
    @Nullable
    private MutableHttpResponse<String> unusable(HttpRequest<?> request, String lang, Invitation invitation) {
        if (invitation.used()) {
            return notice(request, lang, HttpStatus.CONFLICT, "app.answer.alreadyAnswered");
        }
        if (invitation.expiredAt(java.time.Instant.now())) {
            return notice(request, lang, HttpStatus.GONE, "app.answer.invitationExpired");
        }
        return null;
    }

    private MutableHttpResponse<String> notice(HttpRequest<?> request, String lang, HttpStatus status, String key) {
        Page page = Page.of(request, lang, Messages.get(lang, key + ".title"));
        return pages.message(request, status, page, new HtmlPages.MessageView(page.t(key + ".title"), page.t(key + ".text"),
                "/app", page.t("app.home.link"), null, false));
    }

    /** "Answering for Onni" or "You are answering for yourself". */
    static String forWhom(Caller caller, String patientId, String lang) {
        return patientId.equals(caller.patientId()) ? Messages.get(lang, "app.answer.forSelf")
                : Messages.get(lang, "app.answer.forOther", PatientNames.of(patientId));
    }

    private static int number(String number) {
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static MutableHttpResponse<String> orNotFound(@Nullable MutableHttpResponse<String> response) {
        if (response == null) {
            throw FhirException.notFound("There is no such page");
        }
        return response;
    }


    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
