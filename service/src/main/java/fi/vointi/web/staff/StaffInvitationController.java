package fi.vointi.web.staff;

import fi.vointi.audit.AuditContext;
import fi.vointi.feedback.QrCodes;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.invitations.Invitation;
import fi.vointi.invitations.InvitationService;
import fi.vointi.responses.ResponseService;
import fi.vointi.results.ResultsController;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.web.FormFields;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.answer.PatientNames;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inviting a patient from the clinician's page: {@code POST /staff/patients/{id}/invitations} (questionnaire and
 * unit) creates the invitation through the same {@link InvitationService} as {@code POST /fhir/Task}, then
 * {@code GET /staff/invitations/{taskId}?token=…} shows its link as text and as a QR code
 * ({@code …/qr.png?token=…}) for answering on a clinic tablet or the patient's phone. The link token exists only in
 * the creator's hands (only its SHA-256 is stored), so these pages need it back and check it against the invitation.
 */
@Controller("/staff")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class StaffInvitationController {
    private static final String SDC_TEMP = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    private static final int QR_SIZE = 360;

    private final CallerResolver callers;
    private final HtmlPages pages;
    private final InvitationService invitations;
    private final StaffPagesController staff;
    private final FhirServerConfiguration server;

    public StaffInvitationController(CallerResolver callers, HtmlPages pages, InvitationService invitations,
                                     StaffPagesController staff, FhirServerConfiguration server) {
        this.callers = callers;
        this.pages = pages;
        this.invitations = invitations;
        this.staff = staff;
        this.server = server;
    }

    @Post(uri = "/patients/{patientId}/invitations", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> invite(@PathVariable String patientId, @Body Map<String, Object> form, HttpRequest<?> request) {
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = staff.gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        String questionnaireId = values.getOrDefault("questionnaire", "");
        String unitId = values.getOrDefault("unit", "");
        Optional<Questionnaire> questionnaire = staff.invitable().stream()
                .filter(q -> q.getIdElement().getIdPart().equals(questionnaireId)).findFirst();
        if (questionnaire.isEmpty() || !caller.units().contains(unitId) || !patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
            return formError(request, caller, patientId, lang, questionnaireId, unitId, "staff.invite.error.choose");
        }
        Task task = new Task();
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC_TEMP, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patientId));
        Questionnaire q = questionnaire.get();
        task.addInput().setType(new CodeableConcept(new Coding(SDC_TEMP, "questionnaire", null)))
                .setValue(new CanonicalType(q.getUrl() + (q.hasVersion() ? "|" + q.getVersion() : "")));
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unitId));
        AuditContext audit = AuditContext.of(request).operation("invite").patient(patientId);
        InvitationService.Created created;
        try {
            created = invitations.invite(caller, task);
        } catch (FhirException e) {
            return formError(request, caller, patientId, lang, questionnaireId, unitId, "staff.invite.error.refused");
        }
        String taskId = created.task().getIdElement().getIdPart();
        audit.entity("Task/" + taskId);
        // post/redirect/get: the link's page carries the token, which exists nowhere else
        return HttpResponse.<String>seeOther(URI.create(UriBuilder.of("/staff/invitations/" + StaffPagesController.encode(taskId))
                .queryParam("token", created.token()).queryParam("lang", lang).toString())).header("Cache-Control", "no-store");
    }

    @Get(uri = "/invitations/{taskId}", produces = "text/html")
    public HttpResponse<String> created(@PathVariable String taskId, @Nullable @QueryValue String token, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = staff.gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Invitation> found = withToken(caller, taskId, token);
        if (found.isEmpty()) {
            Page page = Page.of(request, lang, Messages.get(lang, "error.404.title"));
            return pages.message(request, HttpStatus.NOT_FOUND, page, new HtmlPages.MessageView(page.title(),
                    Messages.get(lang, "error.404.text"), "/staff", Messages.get(lang, "staff.back"), null, true));
        }
        Invitation invitation = found.get();
        AuditContext.of(request).operation("read").entity("Task/" + taskId).patient(invitation.patientId());
        Questionnaire q = invitations.questionnaire(invitation);
        boolean usable = !invitation.used() && !invitation.expiredAt(Instant.now());
        String state = invitation.used()
                ? Messages.get(lang, "staff.invitations.answered", ResultsController.dateTime(invitation.usedAt(), lang))
                : usable ? Messages.get(lang, "staff.invitations.waitingUntil", ResultsController.date(invitation.expiresAt(), lang))
                : Messages.get(lang, "staff.invitations.expired");
        String name = PatientNames.of(invitation.patientId());
        Page page = Page.of(request, lang, Messages.get(lang, "staff.invite.created.title", name));
        return pages.render(request, HttpStatus.OK, "staff/invitation", page, new StaffViews.CreatedInvitation(name,
                StaffPagesController.patientHref(invitation.patientId(), lang), Languages.text(q.getTitleElement(), lang),
                Languages.languageOf(q.getTitleElement(), lang), link(request, token),
                UriBuilder.of("/staff/invitations/" + StaffPagesController.encode(taskId) + "/qr.png").queryParam("token", token).toString(),
                state, usable));
    }

    /** The link as a QR code (ZXing, as the feedback posters); only for a clinician who may read the invitation. */
    @Get(uri = "/invitations/{taskId}/qr.png", produces = "image/png")
    public HttpResponse<?> qr(@PathVariable String taskId, @Nullable @QueryValue String token, HttpRequest<?> request) {
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous() || withToken(caller, taskId, token).isEmpty()) {
            return HttpResponse.notFound().header("Cache-Control", "no-store");
        }
        return HttpResponse.ok(QrCodes.png(link(request, token), QR_SIZE)).contentType(MediaType.IMAGE_PNG_TYPE)
                .header("Cache-Control", "no-store");
    }

    /** The invitation when the caller may read it and the token is its link's; otherwise empty, as unknown. */
    private Optional<Invitation> withToken(Caller caller, String taskId, @Nullable String token) {
        if (token == null) {
            return Optional.empty();
        }
        try {
            Invitation readable = invitations.read(caller, taskId);
            Invitation byToken = invitations.byToken(token);
            return readable.id().equals(byToken.id()) ? Optional.of(readable) : Optional.empty();
        } catch (FhirException e) {
            return Optional.empty();
        }
    }

    /** The same address {@code POST /fhir/Task} returns as the invitation link. */
    private String link(HttpRequest<?> request, String token) {
        String base = SearchBundles.baseUrl(request, server.getBaseUrl());
        String site = base.endsWith("/fhir") ? base.substring(0, base.length() - "/fhir".length()) : base;
        return site + "/invitation/" + token;
    }

    private HttpResponse<String> formError(HttpRequest<?> request, Caller caller, String patientId, String lang,
                                           String questionnaireId, String unitId, String key) {
        // the whole patient page again would repeat every read: a short page with the form and the error instead
        String name = PatientNames.of(patientId);
        Page page = Page.of(request, lang, Messages.get(lang, "staff.invite.title", name));
        StaffViews.InviteForm form = staff.inviteForm(caller, patientId, lang, questionnaireId, unitId, Messages.get(lang, key));
        return pages.render(request, HttpStatus.UNPROCESSABLE_ENTITY, "staff/invite", page,
                new StaffViews.PatientView(patientId, name, false, "", StaffPagesController.patientHref(patientId, lang),
                        List.of(), List.of(), form, List.of(), null, List.of()));
    }
}
