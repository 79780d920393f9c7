package fi.vointi.web.staff;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.audit.AuditContext;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.invitations.InvitationService;
import fi.vointi.observations.ObservationSearch;
import fi.vointi.observations.Reporter;
import fi.vointi.observations.ScoreSeries;
import fi.vointi.observations.ScoreSeriesController.Series;
import fi.vointi.observations.ScoreSeriesController.SeriesPoint;
import fi.vointi.organization.OrganizationService;
import fi.vointi.responses.AnonymousAnswering;
import fi.vointi.responses.ResponseSearch;
import fi.vointi.results.ResultsController;
import fi.vointi.results.ResultsViews;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.security.Role;
import fi.vointi.signin.smart.SmartLaunch;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.answer.PatientNames;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.simple.SimpleHttpParameters;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The clinician's pages (docs/web.md, "Clinicians"): {@code /staff} (answers recently shared with the clinician's
 * units), {@code /staff/patients/{id}} (one patient's shared answers with scores, answers, who answered, the change
 * over time and "copy for the record"; {@code ?print=1} for printing), and {@code /staff/launched} (on from a SMART
 * EHR launch to the launch patient). Everything is read through the same searches and {@link AccessPolicy} read grants
 * as the FHIR API: a clinician sees exactly the responses of own units that the patient shared.
 */
@Controller("/staff")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request: anonymous callers are sent to sign in
@ExecuteOn(TaskExecutors.BLOCKING)
public class StaffPagesController {
    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Set<String> SHOWN_STATUSES = Set.of("completed", "amended");
    private static final int MAX_ANSWERS = 100;

    private final CallerResolver callers;
    private final HtmlPages pages;
    private final ResponseSearch responses;
    private final ObservationSearch observations;
    private final ScoreSeries series;
    private final QuestionnaireCatalog catalog;
    private final OrganizationService organizations;
    private final InvitationService invitations;
    private final FhirServerConfiguration server;
    private final StaffSchedules staffSchedules;

    public StaffPagesController(CallerResolver callers, HtmlPages pages, ResponseSearch responses,
                                ObservationSearch observations, ScoreSeries series, QuestionnaireCatalog catalog,
                                OrganizationService organizations, InvitationService invitations,
                                FhirServerConfiguration server, StaffSchedules staffSchedules) {
        this.staffSchedules = staffSchedules;
        this.callers = callers;
        this.pages = pages;
        this.responses = responses;
        this.observations = observations;
        this.series = series;
        this.catalog = catalog;
        this.organizations = organizations;
        this.invitations = invitations;
        this.server = server;
    }

    // ---- /staff ----------------------------------------------------------------------------------

    @Get(produces = "text/html")
    public HttpResponse<String> landing(HttpRequest<?> request) {
        String lang = Languages.of(request);
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        AuditContext audit = AuditContext.search(request);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("_sort", "-authored");
        query.put("_count", "30");
        List<StaffViews.Recent> recent = new ArrayList<>();
        for (QuestionnaireResponse r : search(caller, query)) {
            String id = r.getIdElement().getIdPart();
            String patient = r.getSubject().getReferenceElement().getIdPart();
            audit.entity("QuestionnaireResponse/" + id);
            Optional<Questionnaire> q = questionnaireOf(r);
            recent.add(new StaffViews.Recent(patientHref(patient, lang) + "#response-" + id, PatientNames.of(patient),
                    q.map(x -> Languages.text(x.getTitleElement(), lang)).orElse(r.getQuestionnaire()),
                    q.map(x -> Languages.languageOf(x.getTitleElement(), lang)).orElse(lang),
                    ResultsController.date(r.getAuthored().toInstant(), lang), reporter(lang, Reporter.of(r)), unitName(unitRefOf(r), lang)));
        }
        List<String> units = caller.units().stream().sorted().map(u -> unitName("Organization/" + u, lang)).toList();
        Page page = Page.of(request, lang, Messages.get(lang, "staff.title"));
        return pages.render(request, HttpStatus.OK, "staff/landing", page, new StaffViews.Landing(units, recent));
    }

    /** After a SMART EHR launch's sign-in: on to the launch patient (the session's {@code launch_patient}). */
    @Get(uri = "/launched", produces = "text/html")
    public HttpResponse<String> launched(HttpRequest<?> request) {
        String lang = Languages.of(request);
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        String patient = request.getUserPrincipal(Authentication.class)
                .map(a -> SmartLaunch.patientId(a.getAttributes().get(SmartLaunch.PATIENT_CLAIM))).orElse(null);
        return see(patient == null ? "/staff?lang=" + lang : patientHref(patient, lang));
    }

    /** The "open a patient" form of the landing page (GET, so it can be bookmarked): on to the patient's page. */
    @Get(uri = "/patients", produces = "text/html")
    public HttpResponse<String> open(@Nullable @QueryValue String patient, HttpRequest<?> request) {
        String lang = Languages.of(request);
        String id = patient == null ? "" : patient.trim();
        if (id.startsWith("Patient/")) {
            id = id.substring("Patient/".length());
        }
        return see(PATIENT_ID.matcher(id).matches() ? patientHref(id, lang) : "/staff?lang=" + lang);
    }

    // ---- /staff/patients/{id} ---------------------------------------------------------------------

    @Get(uri = "/patients/{patientId}", produces = "text/html")
    public HttpResponse<String> patient(@PathVariable String patientId, @Nullable @QueryValue String print,
                                        HttpRequest<?> request) {
        String lang = Languages.of(request);
        Caller caller = callers.resolve(request);
        Optional<HttpResponse<String>> refused = gate(caller, request, lang);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!PATIENT_ID.matcher(patientId).matches() || AccessPolicy.readPatient(caller, patientId).isPresent()) {
            return notFound(request, lang);
        }
        AuditContext audit = AuditContext.of(request).operation("read").patient(patientId);
        List<AccessPolicy.ReadGrant> grants = AccessPolicy.readGrants(caller);
        boolean printing = "1".equals(print);

        // the change over time, per score and reporter, exactly as the patient's own results page draws it
        Map<String, SeriesPoint> pointByResponseAndCode = new HashMap<>();
        Map<String, Boolean> firstByResponseAndCode = new HashMap<>();
        List<ResultsViews.Section> sections = sections(patientId, grants, lang, pointByResponseAndCode, firstByResponseAndCode);

        NumberFormat numbers = ResultsController.numbers(lang);
        List<StaffViews.Answer> answers = new ArrayList<>();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("patient", patientId);
        query.put("_sort", "-authored");
        query.put("_count", Integer.toString(MAX_ANSWERS));
        for (QuestionnaireResponse r : search(caller, query)) {
            String id = r.getIdElement().getIdPart();
            audit.entity("QuestionnaireResponse/" + id);
            Optional<Questionnaire> q = questionnaireOf(r);
            String title = q.map(x -> Languages.text(x.getTitleElement(), lang)).orElse(r.getQuestionnaire());
            String date = ResultsController.date(r.getAuthored().toInstant(), lang);
            String who = reporter(lang, Reporter.of(r));
            List<ResultsViews.ScoreLine> lines = new ArrayList<>();
            List<RecordText.Score> record = new ArrayList<>();
            for (Observation o : observations.ofResponse(id, grants)) {
                audit.entity("Observation/" + o.getIdElement().getIdPart());
                ResultsViews.ScoreLine line = ResultsController.scoreLine(o, q.orElse(null), lang, numbers);
                lines.add(line);
                String key = id + "|" + o.getCode().getCodingFirstRep().getSystem() + "|" + o.getCode().getCodingFirstRep().getCode();
                SeriesPoint point = pointByResponseAndCode.get(key);
                record.add(new RecordText.Score(line.name(), o.hasValueQuantity() && o.getValueQuantity().hasValue() ? line.value() : null,
                        line.standardError(), line.band(),
                        point == null ? null : ResultsController.change(point.changeFromBaseline(), lang),
                        Boolean.TRUE.equals(firstByResponseAndCode.get(key))));
            }
            List<ResultsViews.AnswerLine> answerLines = q.map(x -> ResultsController.answerLines(x, r, lang)).orElse(List.of());
            String text = RecordText.of(lang, title, date, who, record);
            answers.add(new StaffViews.Answer(id, title, q.map(x -> Languages.languageOf(x.getTitleElement(), lang)).orElse(lang),
                    date, who, unitName(unitRefOf(r), lang), lines, answerLines, text, (int) text.lines().count() + 1));
        }

        StaffViews.InviteForm form = printing ? null : inviteForm(caller, patientId, lang, null, null, null);
        List<StaffViews.InvitationRow> invitationRows = printing ? List.of() : invitationRows(caller, patientId, lang);
        // the PROM schedules of the clinician's units, through the same search and read rule as GET /fhir/CarePlan
        List<org.hl7.fhir.r4.model.CarePlan> plans = printing ? List.of() : staffSchedules.enrolments(caller, patientId);
        plans.forEach(p -> audit.entity("CarePlan/" + p.getIdElement().getIdPart()));
        List<StaffViews.EnrolmentRow> enrolments = staffSchedules.rows(plans, patientId, lang, this::unitName);
        StaffViews.ScheduleForm scheduleForm = printing ? null : staffSchedules.form(caller, patientId, lang,
                staffSchedules.defaults(lang), List.of(), Map.of(), this::unitName);
        String name = PatientNames.of(patientId);
        Page page = Page.of(request, lang, Messages.get(lang, "staff.patient.title", name));
        if (printing) {
            page = page.withBodyClass("print-view");
        } else {
            page = page.withScript("/assets/staff.js", null);
        }
        return pages.render(request, HttpStatus.OK, "staff/patient", page, new StaffViews.PatientView(patientId, name, printing,
                patientHref(patientId, lang) + "&print=1", patientHref(patientId, lang), answers, sections, form, invitationRows, scheduleForm, enrolments));
    }

    private List<ResultsViews.Section> sections(String patientId, List<AccessPolicy.ReadGrant> grants, String lang,
                                                Map<String, SeriesPoint> pointByResponseAndCode,
                                                Map<String, Boolean> firstByResponseAndCode) {
        List<ObservationSearch.ScoreKey> keys = new ArrayList<>(series.scoresOf(patientId, grants));
        keys.sort(Comparator.comparing(ObservationSearch.ScoreKey::questionnaireUrl)
                .thenComparing(k -> k.reporter().ordinal())
                .thenComparing(k -> k.code().endsWith(".total") ? 0 : 1)
                .thenComparing(ObservationSearch.ScoreKey::code));
        Map<String, ResultsViews.Section> sections = new LinkedHashMap<>();
        Map<String, List<ResultsViews.ScoreView>> scores = new LinkedHashMap<>();
        int index = 0;
        for (ObservationSearch.ScoreKey key : keys) {
            Series s = series.of(patientId, key.system(), key.code(), key.reporter(), grants);
            if (s.points().isEmpty()) {
                continue;
            }
            for (int i = 0; i < s.points().size(); i++) {
                SeriesPoint p = s.points().get(i);
                String k = ResultsController.responseIdOf(p.derivedFrom()) + "|" + key.system() + "|" + key.code();
                pointByResponseAndCode.put(k, p);
                firstByResponseAndCode.put(k, i == 0);
            }
            Optional<Questionnaire> questionnaire = catalog.resolve(new CanonicalRef(key.questionnaireUrl(), null));
            String sectionKey = key.questionnaireUrl() + "|" + key.reporter().code();
            if (!sections.containsKey(sectionKey)) {
                String title = questionnaire.map(q -> Languages.text(q.getTitleElement(), lang)).orElse(key.questionnaireUrl());
                String titleLang = questionnaire.map(q -> Languages.languageOf(q.getTitleElement(), lang)).orElse(lang);
                List<ResultsViews.ScoreView> list = new ArrayList<>();
                scores.put(sectionKey, list);
                sections.put(sectionKey, new ResultsViews.Section("section-" + sections.size(), title, titleLang,
                        reporter(lang, key.reporter()), list));
            }
            ResultsViews.ScoreView v = ResultsController.scoreView("score-" + index++, s, questionnaire.orElse(null), lang,
                    responseId -> "#response-" + responseId);
            // the patient's page explains the score to the patient ("your score is …"); the facts above it say it all here
            scores.get(sectionKey).add(new ResultsViews.ScoreView(v.id(), v.name(), v.nameLang(), v.latest(), v.standardError(),
                    v.band(), v.bandLang(), "", v.latestDate(), v.fromFirst(), v.fromPrevious(), v.chart(), v.rows()));
        }
        return List.copyOf(sections.values());
    }

    // ---- invitations (the form and the list; creating them: StaffInvitationController) -------------

    StaffViews.InviteForm inviteForm(Caller caller, String patientId, String lang, @Nullable String questionnaireId,
                                     @Nullable String unitId, @Nullable String error) {
        List<StaffViews.Option> questionnaires = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Questionnaire q : invitable()) {
            if (seen.add(q.getUrl())) {
                String id = q.getIdElement().getIdPart();
                questionnaires.add(new StaffViews.Option(id, Languages.text(q.getTitleElement(), lang),
                        Languages.languageOf(q.getTitleElement(), lang), id.equals(questionnaireId)));
            }
        }
        List<StaffViews.Option> units = caller.units().stream().sorted().map(u -> new StaffViews.Option(u,
                unitName("Organization/" + u, lang), lang, u.equals(unitId))).toList();
        return new StaffViews.InviteForm("/staff/patients/" + encode(patientId) + "/invitations", questionnaires, units, error);
    }

    /** What a clinician may invite to from this page: questionnaires answered by a patient, page by page. */
    List<Questionnaire> invitable() {
        return catalog.all().stream()
                .filter(q -> !AnonymousAnswering.isAnonymous(q))
                // an adaptive test is started from the patient's own pages, not through a link (docs/adaptive.md)
                .filter(q -> !AdaptiveBank.isAdaptive(q))
                .filter(q -> q.getStatus() == null || q.getStatus() != org.hl7.fhir.r4.model.Enumerations.PublicationStatus.RETIRED)
                .sorted(Comparator.comparing((Questionnaire q) -> Languages.text(q.getTitleElement(), "fi")))
                .toList();
    }

    private List<StaffViews.InvitationRow> invitationRows(Caller caller, String patientId, String lang) {
        Map<CharSequence, List<String>> query = new LinkedHashMap<>();
        query.put("patient", List.of(patientId));
        query.put("_count", List.of("50"));
        InvitationService.Page found = invitations.search(caller,
                SearchRequest.of(new SimpleHttpParameters(query, ConversionService.SHARED), InvitationService.SEARCH),
                server.getZone());
        List<StaffViews.InvitationRow> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (Task task : found.tasks()) {
            Optional<Questionnaire> q = task.getInputFirstRep().getValue() instanceof CanonicalType c
                    ? catalog.resolve(CanonicalRef.parse(c.getValue())) : Optional.empty();
            String unitRef = null;
            for (Extension e : task.getExtensionsByUrl(fi.vointi.responses.ResponseService.SERVICE_UNIT_EXTENSION)) {
                if (e.getValue() instanceof Reference ref) {
                    unitRef = ref.getReference();
                }
            }
            Instant expires = task.getRestriction().getPeriod().hasEnd() ? task.getRestriction().getPeriod().getEnd().toInstant() : null;
            String state;
            String stateClass;
            if (task.getStatus() == Task.TaskStatus.COMPLETED) {
                state = Messages.get(lang, "staff.invitations.answered", ResultsController.dateTime(task.getLastModified().toInstant(), lang));
                stateClass = "state-answered";
            } else if (task.getStatus() == Task.TaskStatus.READY && expires != null && !expires.isAfter(now)) {
                state = Messages.get(lang, "staff.invitations.expired");
                stateClass = "state-expired";
            } else if (task.getStatus() == Task.TaskStatus.READY) {
                state = Messages.get(lang, "staff.invitations.waiting");
                stateClass = "state-waiting";
            } else {
                state = task.getStatus() == null ? "–" : task.getStatus().getDisplay();
                stateClass = "state-other";
            }
            rows.add(new StaffViews.InvitationRow(task.getIdElement().getIdPart(), q.map(x -> Languages.text(x.getTitleElement(), lang)).orElse("–"),
                    q.map(x -> Languages.languageOf(x.getTitleElement(), lang)).orElse(lang), unitName(unitRef, lang),
                    ResultsController.dateTime(task.getAuthoredOn().toInstant(), lang),
                    expires == null ? "–" : ResultsController.date(expires, lang), state, stateClass));
        }
        return rows;
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The pages are for clinicians of at least one unit; the rest are sent to sign in or told so. */
    Optional<HttpResponse<String>> gate(Caller caller, HttpRequest<?> request, String lang) {
        if (caller.isAnonymous()) {
            String here = request.getUri().getRawPath() + (request.getUri().getRawQuery() == null ? "" : "?" + request.getUri().getRawQuery());
            if (request.getMethod() != io.micronaut.http.HttpMethod.GET) {
                here = "/staff";
            }
            return Optional.of(HttpResponse.<String>seeOther(URI.create("/signin?return=" + encode(here)))
                    .header("Cache-Control", "no-store"));
        }
        if (!caller.has(Role.CLINICIAN) || caller.units().isEmpty()) {
            Page page = Page.of(request, lang, Messages.get(lang, "staff.notClinician.title"));
            return Optional.of(pages.message(request, HttpStatus.FORBIDDEN, page, new HtmlPages.MessageView(page.title(),
                    Messages.get(lang, "staff.notClinician.text"), "/", Messages.get(lang, "error.home"), null, true)));
        }
        return Optional.empty();
    }

    /** Completed and amended responses through the FHIR search and the caller's read grants (shared, own units). */
    private List<QuestionnaireResponse> search(Caller caller, Map<String, String> parameters) {
        Map<CharSequence, List<String>> query = new LinkedHashMap<>();
        parameters.forEach((k, v) -> query.put(k, List.of(v)));
        SearchRequest request = SearchRequest.of(new SimpleHttpParameters(query, ConversionService.SHARED), ResponseSearch.SPEC);
        return responses.search(request, server.getZone(), AccessPolicy.readGrants(caller)).resources().stream()
                .filter(r -> r.getStatus() != null && SHOWN_STATUSES.contains(r.getStatus().toCode()))
                .filter(r -> r.getSubject().getReferenceElement().getResourceType() != null
                        && "Patient".equals(r.getSubject().getReferenceElement().getResourceType()))
                .toList();
    }

    private Optional<Questionnaire> questionnaireOf(QuestionnaireResponse r) {
        return r.hasQuestionnaire() ? catalog.resolve(CanonicalRef.parse(r.getQuestionnaire())) : Optional.empty();
    }

    @Nullable
    private static String unitRefOf(QuestionnaireResponse r) {
        for (Extension e : r.getExtensionsByUrl(fi.vointi.responses.ResponseService.SERVICE_UNIT_EXTENSION)) {
            if (e.getValue() instanceof Reference ref) {
                return ref.getReference();
            }
        }
        return null;
    }

    String unitName(@Nullable String unitRef, String lang) {
        if (unitRef == null) {
            return "–";
        }
        String id = unitRef.substring(unitRef.indexOf('/') + 1);
        try {
            Organization unit = organizations.read(id);
            return Languages.text(unit.getNameElement(), lang);
        } catch (FhirException e) {
            return id; // a unit no longer in the structure: its id is all we know
        }
    }

    static String reporter(String lang, Reporter reporter) {
        return Messages.get(lang, "staff.reporter." + reporter.code());
    }

    static String patientHref(String patientId, String lang) {
        return UriBuilder.of("/staff/patients/" + encode(patientId)).queryParam("lang", lang).toString();
    }

    private HttpResponse<String> notFound(HttpRequest<?> request, String lang) {
        Page page = Page.of(request, lang, Messages.get(lang, "error.404.title"));
        return pages.message(request, HttpStatus.NOT_FOUND, page, new HtmlPages.MessageView(page.title(),
                Messages.get(lang, "error.404.text"), "/staff", Messages.get(lang, "staff.back"), null, true));
    }

    private static HttpResponse<String> see(String target) {
        return HttpResponse.<String>seeOther(URI.create(target)).header("Cache-Control", "no-store");
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
