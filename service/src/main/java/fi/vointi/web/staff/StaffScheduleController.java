package fi.vointi.web.staff;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.messaging.Addresses;
import fi.vointi.messaging.InvitationMessaging;
import fi.vointi.responses.ResponseService;
import fi.vointi.schedules.Protocol;
import fi.vointi.schedules.ProtocolCatalog;
import fi.vointi.schedules.ScheduleService;
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
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Enrolling a patient in a PROM schedule from the clinician's page (docs/schedules.md): {@code POST
 * /staff/patients/{id}/schedules} builds the same CarePlan an EHR would post to {@code /fhir/CarePlan} and hands it to
 * the same {@link ScheduleService#enrol} (who may, what is checked, what is stored), and
 * {@code POST /staff/patients/{id}/schedules/{carePlanId}/end} ends it through {@link ScheduleService#end} as
 * {@code PUT /fhir/CarePlan/{id}} does. Form posts pass SameOriginForms like every other form; both are audited as
 * the FHIR interactions are ({@code create}, {@code update}, entity {@code CarePlan/{id}}).
 */
@Controller("/staff")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request (StaffPagesController.gate, then ScheduleService)
@ExecuteOn(TaskExecutors.BLOCKING)
public class StaffScheduleController {
    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** A date as typed where the browser has no date picker: 1.12.2026 (fi, sv) besides the ISO form 2026-12-01. */
    private static final DateTimeFormatter FINNISH_DATE = DateTimeFormatter.ofPattern("d.M.uuuu")
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    private final CallerResolver callers;
    private final HtmlPages pages;
    private final StaffPagesController staff;
    private final StaffSchedules staffSchedules;
    private final ProtocolCatalog protocols;
    private final ScheduleService schedules;

    public StaffScheduleController(CallerResolver callers, HtmlPages pages, StaffPagesController staff,
                                   StaffSchedules staffSchedules, ProtocolCatalog protocols, ScheduleService schedules) {
        this.callers = callers;
        this.pages = pages;
        this.staff = staff;
        this.staffSchedules = staffSchedules;
        this.protocols = protocols;
        this.schedules = schedules;
    }

    @Post(uri = "/patients/{patientId}/schedules", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> enrol(@PathVariable String patientId, @Body Map<String, Object> form, HttpRequest<?> request) {
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = staff.gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!PATIENT_ID.matcher(patientId).matches()) {
            return notFound(request, lang);
        }
        String messageLanguage = values.getOrDefault("messageLanguage", lang);
        StaffSchedules.Entered entered = new StaffSchedules.Entered(values.getOrDefault("protocol", "").trim(),
                values.getOrDefault("unit", "").trim(), values.getOrDefault("start", "").trim(),
                values.getOrDefault("phone", "").trim(), values.getOrDefault("email", "").trim(),
                Languages.SUPPORTED.contains(messageLanguage) ? messageLanguage : lang);

        // the form's own checks, in the page's language; the service checks everything again (the FHIR rules)
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Protocol> protocol = protocols.byId(entered.protocol());
        if (protocol.isEmpty()) {
            errors.put("protocol", Messages.get(lang, "staff.schedule.error.protocol"));
        }
        String unit = entered.unit();
        if (unit.isEmpty() && caller.units().size() == 1) {
            unit = caller.units().iterator().next();
        }
        if (!caller.units().contains(unit)) {
            errors.put("unit", Messages.get(lang, "staff.schedule.error.unit"));
        }
        LocalDate start = date(entered.start());
        if (start == null) {
            errors.put("start", Messages.get(lang, "staff.schedule.error.start"));
        }
        String phone = entered.phone().isEmpty() ? null : Addresses.phone(entered.phone());
        if (!entered.phone().isEmpty() && phone == null) {
            errors.put("phone", Messages.get(lang, "staff.schedule.error.phone"));
        }
        String email = entered.email().isEmpty() ? null : Addresses.email(entered.email());
        if (!entered.email().isEmpty() && email == null) {
            errors.put("email", Messages.get(lang, "staff.schedule.error.email"));
        }
        if (!errors.isEmpty()) {
            return formError(request, caller, patientId, lang, entered, errors);
        }

        CarePlan plan = new CarePlan();
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addInstantiatesCanonical(protocol.get().url());
        plan.setSubject(new Reference("Patient/" + patientId));
        plan.getPeriod().setStartElement(new DateTimeType(start.toString()));
        plan.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        if (phone != null || email != null) {
            Extension recipient = plan.addExtension().setUrl(InvitationMessaging.RECIPIENT_EXTENSION);
            if (phone != null) {
                recipient.addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.SMS).setValue(phone));
            }
            if (email != null) {
                recipient.addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email));
            }
            recipient.addExtension("language", new CodeType(entered.messageLanguage()));
        }
        AuditContext audit = AuditContext.of(request).operation("create").patient(patientId);
        ScheduleService.Enrolled enrolled;
        try {
            enrolled = schedules.enrol(caller, plan);
        } catch (FhirException e) {
            return formError(request, caller, patientId, lang, entered, refusal(e, lang));
        }
        String id = enrolled.carePlan().getIdElement().getIdPart();
        audit.entity("CarePlan/" + id);
        // post/redirect/get: back to the patient's page, at the new enrolment
        return see(StaffPagesController.patientHref(patientId, lang) + "#enrolment-" + StaffPagesController.encode(id));
    }

    /** Ends the episode: {@code status} completed (the episode ended) or revoked (stopped early). */
    @Post(uri = "/patients/{patientId}/schedules/{carePlanId}/end", consumes = MediaType.APPLICATION_FORM_URLENCODED,
            produces = "text/html")
    public HttpResponse<String> end(@PathVariable String patientId, @PathVariable String carePlanId, @Body Map<String, Object> form,
                                    HttpRequest<?> request) {
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = staff.gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!PATIENT_ID.matcher(patientId).matches()) {
            return notFound(request, lang);
        }
        String status = values.getOrDefault("status", "");
        if (!status.equals("completed") && !status.equals("revoked")) {
            return message(request, lang, HttpStatus.BAD_REQUEST, "staff.schedule.end.error.title", "staff.schedule.end.error.status", patientId);
        }
        CarePlan plan = new CarePlan();
        plan.setId(carePlanId);
        plan.setStatus(CarePlan.CarePlanStatus.fromCode(status)).setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.setSubject(new Reference("Patient/" + patientId)); // the service refuses a plan of another patient
        AuditContext audit = AuditContext.of(request).operation("update").entity("CarePlan/" + carePlanId);
        try {
            audit.patient(schedules.end(caller, carePlanId, plan).patientId());
        } catch (FhirException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                return notFound(request, lang);
            }
            return message(request, lang, e.status(), "staff.schedule.end.error.title",
                    e.status() == HttpStatus.CONFLICT ? "staff.schedule.end.error.ended" : "staff.schedule.end.error.refused", patientId);
        }
        return see(StaffPagesController.patientHref(patientId, lang) + "#enrolment-" + StaffPagesController.encode(carePlanId));
    }

    /** 2026-12-01 or 1.12.2026; null for anything else. */
    @Nullable
    static LocalDate date(String text) {
        for (DateTimeFormatter format : List.of(DateTimeFormatter.ISO_LOCAL_DATE, FINNISH_DATE)) {
            try {
                return LocalDate.parse(text, format);
            } catch (DateTimeParseException e) {
                // the next form
            }
        }
        return null;
    }

    /** What the service refused, in the page's language, at the field it concerns. */
    private static Map<String, String> refusal(FhirException e, String lang) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (OperationOutcome.OperationOutcomeIssueComponent issue : e.outcome().getIssue()) {
            String expression = issue.getExpression().isEmpty() ? "" : issue.getExpression().get(0).getValue();
            if ("CarePlan.period.start".equals(expression)) {
                errors.put("start", Messages.get(lang, "staff.schedule.error.startRange"));
            } else if ("CarePlan.extension".equals(expression)) {
                String field = issue.getDiagnostics() != null && issue.getDiagnostics().contains("e-mail") ? "email" : "phone";
                errors.put(field, Messages.get(lang, "staff.schedule.error.contact"));
            }
        }
        if (errors.isEmpty()) {
            errors.put("protocol", Messages.get(lang, "staff.schedule.error.refused"));
        }
        return errors;
    }

    private HttpResponse<String> formError(HttpRequest<?> request, Caller caller, String patientId, String lang,
                                           StaffSchedules.Entered entered, Map<String, String> errors) {
        List<StaffViews.Problem> problems = new ArrayList<>();
        errors.forEach((field, message) -> problems.add(new StaffViews.Problem("schedule-" + field, message)));
        String name = PatientNames.of(patientId);
        Page page = Page.of(request, lang, Messages.get(lang, "staff.schedule.title", name));
        StaffViews.ScheduleForm form = staffSchedules.form(caller, patientId, lang, entered, problems, errors, staff::unitName);
        return pages.render(request, HttpStatus.UNPROCESSABLE_ENTITY, "staff/enrol", page,
                new StaffViews.PatientView(patientId, name, false, "", StaffPagesController.patientHref(patientId, lang),
                        List.of(), List.of(), null, List.of(), form, List.of()));
    }

    private HttpResponse<String> message(HttpRequest<?> request, String lang, HttpStatus status, String titleKey, String textKey,
                                         String patientId) {
        Page page = Page.of(request, lang, Messages.get(lang, titleKey));
        return pages.message(request, status, page, new HtmlPages.MessageView(page.title(), Messages.get(lang, textKey),
                StaffPagesController.patientHref(patientId, lang), Messages.get(lang, "staff.patient.back",
                PatientNames.of(patientId)), null, true));
    }

    private HttpResponse<String> notFound(HttpRequest<?> request, String lang) {
        Page page = Page.of(request, lang, Messages.get(lang, "error.404.title"));
        return pages.message(request, HttpStatus.NOT_FOUND, page, new HtmlPages.MessageView(page.title(),
                Messages.get(lang, "error.404.text"), "/staff", Messages.get(lang, "staff.back"), null, true));
    }

    private static HttpResponse<String> see(String target) {
        return HttpResponse.<String>seeOther(URI.create(target)).header("Cache-Control", "no-store");
    }
}
