package fi.vointi.invitations;

import fi.vointi.web.FormFields;
import fi.vointi.audit.AuditContext;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.answer.AnswerFlow;
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

import java.time.Instant;
import java.util.Map;

/**
 * The invitation link in a browser (docs/invitations.md, "In a browser"): {@code GET /invitation/{token}} with
 * {@code Accept: text/html} opens the questionnaire as pages ({@link InvitationController} hands it over), each page
 * is saved as a draft kept with the invitation, and the same link resumes it until the link expires or the answer is
 * sent; sending uses the link up. Pages: {@code /invitation/{token}/page/{n}}, {@code …/review}, {@code …/send},
 * {@code …/sent}. The link's token is the only credential; the pages never name the patient.
 */
@Controller("/invitation")
@Secured(SecurityRule.IS_ANONYMOUS) // the link token is checked in code
@ExecuteOn(TaskExecutors.BLOCKING)
public class InvitationPagesController {
    private final InvitationService invitations;
    private final AnswerFlow flow;
    private final HtmlPages pages;

    public InvitationPagesController(InvitationService invitations, AnswerFlow flow, HtmlPages pages) {
        this.invitations = invitations;
        this.flow = flow;
        this.pages = pages;
    }

    /** The link opened in a browser: the first page, or where the saved draft goes on. */
    public MutableHttpResponse<String> open(String token, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Invitation invitation = invitation(token, request, "invitation-open");
        MutableHttpResponse<String> refused = unusable(request, lang, invitation);
        if (refused != null) {
            return refused;
        }
        AnswerFlow.Target target = target(token, invitation);
        if (target.draft().getIdElement().hasIdPart()) {
            return flow.resume(target, lang);
        }
        return flow.page(request, lang, target, 1, false, false);
    }

    @Get(uri = "/{token}/page/{number}", produces = "text/html")
    public HttpResponse<String> page(@PathVariable String token, @PathVariable String number, @Nullable @QueryValue String review,
                                     @Nullable @QueryValue String added, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Invitation invitation = invitation(token, request, "invitation-open");
        MutableHttpResponse<String> refused = unusable(request, lang, invitation);
        if (refused != null) {
            return refused;
        }
        AnswerFlow.Target target = target(token, invitation);
        MutableHttpResponse<String> shown = flow.page(request, lang, target, number(number), "1".equals(review), "1".equals(added));
        return shown != null ? shown : FormFields.seeOther(base(token));
    }

    @Post(uri = "/{token}/page/{number}", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> save(@PathVariable String token, @PathVariable String number, @Body Map<String, Object> body,
                                     HttpRequest<?> request) {
        var form = AnswerFlow.fields(body);
        Invitation invitation = invitation(token, request, "invitation-answer");
        MutableHttpResponse<String> refused = unusable(request, AnswerFlow.lang(request, form), invitation);
        if (refused != null) {
            return refused;
        }
        AuditContext audit = AuditContext.of(request);
        MutableHttpResponse<String> answer = flow.post(request, target(token, invitation), number(number), form, draft -> {
            QuestionnaireResponse stored = invitations.saveLinkDraft(invitation, draft);
            audit.entity("QuestionnaireResponse/" + stored.getIdElement().getIdPart());
            return base(token);
        });
        return answer != null ? answer : FormFields.seeOther(base(token));
    }

    @Get(uri = "/{token}/review", produces = "text/html")
    public HttpResponse<String> review(@PathVariable String token, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Invitation invitation = invitation(token, request, "invitation-open");
        MutableHttpResponse<String> refused = unusable(request, lang, invitation);
        if (refused != null) {
            return refused;
        }
        AnswerFlow.Target target = target(token, invitation);
        if (!target.draft().getIdElement().hasIdPart()) {
            return FormFields.seeOther(base(token));
        }
        return flow.review(request, lang, target);
    }

    @Post(uri = "/{token}/send", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> send(@PathVariable String token, @Body Map<String, Object> body, HttpRequest<?> request) {
        var form = AnswerFlow.fields(body);
        Invitation invitation = invitation(token, request, "invitation-answer");
        MutableHttpResponse<String> refused = unusable(request, AnswerFlow.lang(request, form), invitation);
        if (refused != null) {
            return refused;
        }
        AnswerFlow.Target target = target(token, invitation);
        if (!target.draft().getIdElement().hasIdPart()) {
            return FormFields.seeOther(base(token));
        }
        AuditContext.of(request).entity("QuestionnaireResponse/" + invitation.draftResponseId());
        return flow.send(request, target, form, response -> {
            invitations.sendLinkDraft(invitation, response);
            return base(token) + "/sent";
        });
    }

    /** After sending: thanks (the link is used up from now on). */
    @Get(uri = "/{token}/sent", produces = "text/html")
    public HttpResponse<String> sent(@PathVariable String token, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Invitation invitation = invitation(token, request, "invitation-open");
        if (!invitation.used()) {
            return FormFields.seeOther(base(token));
        }
        return message(request, lang, HttpStatus.OK, "app.answer.link.sent", false);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private Invitation invitation(String token, HttpRequest<?> request, String operation) {
        Invitation invitation = invitations.byToken(token); // 404 page for an unknown link
        AuditContext.of(request).operation(operation).entity("Task/" + invitation.id()).patient(invitation.patientId());
        return invitation;
    }

    private AnswerFlow.Target target(String token, Invitation invitation) {
        Questionnaire questionnaire = invitations.questionnaire(invitation);
        QuestionnaireResponse draft = invitations.linkDraft(invitation).orElseGet(() -> invitations.newResponse(invitation));
        return new AnswerFlow.Target(questionnaire, draft, base(token), null, null);
    }

    /** The "already used" or "expired" page (403, like the FHIR answer), in the person's language; or null. */
    @Nullable
    private MutableHttpResponse<String> unusable(HttpRequest<?> request, String lang, Invitation invitation) {
        if (invitation.used()) {
            return message(request, lang, HttpStatus.FORBIDDEN, "app.answer.link.used", true);
        }
        if (invitation.expiredAt(Instant.now())) {
            return message(request, lang, HttpStatus.FORBIDDEN, "app.answer.link.expired", true);
        }
        return null;
    }

    private MutableHttpResponse<String> message(HttpRequest<?> request, String lang, HttpStatus status, String key, boolean alert) {
        Page page = Page.of(request, lang, Messages.get(lang, key + ".title"));
        return pages.message(request, status, page, new HtmlPages.MessageView(page.t(key + ".title"), page.t(key + ".text"),
                "/", page.t("error.home"), null, alert));
    }

    private static String base(String token) {
        return "/invitation/" + token;
    }

    private static int number(String number) {
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

}
