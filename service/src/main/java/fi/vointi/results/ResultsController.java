package fi.vointi.results;

import fi.vointi.web.FormFields;
import fi.vointi.audit.AuditContext;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.feedback.UsabilityCheck;
import fi.vointi.observations.ObservationSearch;
import fi.vointi.observations.Reporter;
import fi.vointi.observations.ScoreCodes;
import fi.vointi.observations.ScoreSeries;
import fi.vointi.observations.ScoreSeriesController.Series;
import fi.vointi.observations.ScoreSeriesController.SeriesChange;
import fi.vointi.observations.ScoreSeriesController.SeriesPoint;
import fi.vointi.organization.OrganizationService;
import fi.vointi.responses.ResponseService;
import fi.vointi.responses.SharingService;
import fi.vointi.responses.StoredResponse;
import fi.vointi.scoring.Band;
import fi.vointi.scoring.ScoringRule;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.security.Role;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
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
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Type;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The patient's and guardian's results pages (docs/web.md): {@code /app/results} (every score over time, with bands,
 * change and a chart, self- and proxy-reports apart) and {@code /app/results/{responseId}} (one answer, and the
 * decision to share it with the care team). Everything is read through the same services and {@link AccessPolicy}
 * as the FHIR API; someone else's ids look exactly like unknown ones.
 */
@Controller("/app/results")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request: anonymous callers are sent to sign in
@ExecuteOn(TaskExecutors.BLOCKING)
public class ResultsController {
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    private final CallerResolver callers;
    private final HtmlPages pages;
    private final ScoreSeries series;
    private final ObservationSearch observations;
    private final ResponseService responses;
    private final SharingService sharing;
    private final QuestionnaireCatalog catalog;
    private final OrganizationService organizations;
    private final UsabilityCheck usability;

    private final int guardianAgeLimit;

    public ResultsController(CallerResolver callers, HtmlPages pages, ScoreSeries series, ObservationSearch observations,
                             ResponseService responses, SharingService sharing, QuestionnaireCatalog catalog,
                             OrganizationService organizations, UsabilityCheck usability,
                             @io.micronaut.context.annotation.Value("${vointi.privacy.guardian-age-limit:10}") int guardianAgeLimit) {
        this.guardianAgeLimit = guardianAgeLimit;
        this.callers = callers;
        this.pages = pages;
        this.series = series;
        this.observations = observations;
        this.responses = responses;
        this.sharing = sharing;
        this.catalog = catalog;
        this.organizations = organizations;
        this.usability = usability;
    }

    // ---- My results ------------------------------------------------------------------------------

    @Get(produces = "text/html")
    public HttpResponse<String> results(@Nullable @QueryValue String patient, HttpRequest<?> request) {
        String lang = Languages.of(request);
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(request);
        }
        AuditContext audit = AuditContext.of(request).operation("search");
        List<String> children = caller.has(Role.GUARDIAN) ? caller.guardianOf().stream().sorted().toList() : List.of();
        String patientId = patient;
        if (patientId == null || patientId.isBlank()) {
            if (caller.has(Role.PATIENT) && caller.patientId() != null) {
                patientId = caller.patientId();
            } else if (children.size() == 1) {
                patientId = children.get(0);
            } else if (!children.isEmpty()) {
                List<ResultsViews.Link> links = children.stream().map(c -> new ResultsViews.Link(
                        listHref(c, lang), Messages.get(lang, "app.results.child", fi.vointi.web.answer.PatientNames.of(c)))).toList();
                Page page = Page.of(request, lang, Messages.get(lang, "app.results.title"));
                return pages.render(request, HttpStatus.OK, "app/results/list", page,
                        new ResultsViews.ListView(Messages.get(lang, "app.results.chooseChild"), links, List.of(), List.of(), null));
            }
        }
        if (patientId == null || !caller.actsFor().contains(patientId)
                || AccessPolicy.readPatient(caller, patientId).isPresent()) {
            return notFound(request, lang);
        }
        audit.patient(patientId);
        boolean forChild = !patientId.equals(caller.patientId());
        List<AccessPolicy.ReadGrant> grants = AccessPolicy.readGrants(caller);
        Map<String, ResultsViews.Section> sections = new LinkedHashMap<>();
        Map<String, List<ResultsViews.ScoreView>> scoresBySection = new LinkedHashMap<>();
        Set<String> responseIds = new LinkedHashSet<>();
        int index = 0;
        List<ObservationSearch.ScoreKey> keys = new ArrayList<>(series.scoresOf(patientId, grants));
        // per questionnaire and reporter, the total first: the overall picture before the domains
        keys.sort(Comparator.comparing(ObservationSearch.ScoreKey::questionnaireUrl)
                .thenComparing(k -> k.reporter().ordinal())
                .thenComparing(k -> k.code().endsWith(".total") ? 0 : 1)
                .thenComparing(ObservationSearch.ScoreKey::code));
        for (ObservationSearch.ScoreKey key : keys) {
            Optional<Questionnaire> questionnaire = catalog.resolve(new CanonicalRef(key.questionnaireUrl(), null));
            Series s = series.of(patientId, key.system(), key.code(), key.reporter(), grants);
            if (s.points().isEmpty()) {
                continue;
            }
            s.points().forEach(p -> {
                audit.entity(p.observation());
                responseIds.add(responseIdOf(p.derivedFrom()));
            });
            String sectionKey = key.questionnaireUrl() + "|" + key.reporter().code();
            if (!sections.containsKey(sectionKey)) {
                String title = questionnaire.map(q -> Languages.text(q.getTitleElement(), lang)).orElse(key.questionnaireUrl());
                String titleLang = questionnaire.map(q -> Languages.languageOf(q.getTitleElement(), lang)).orElse(lang);
                List<ResultsViews.ScoreView> list = new ArrayList<>();
                scoresBySection.put(sectionKey, list);
                sections.put(sectionKey, new ResultsViews.Section("section-" + sections.size(), title, titleLang,
                        reporterLabel(lang, key.reporter(), forChild), list));
            }
            scoresBySection.get(sectionKey).add(scoreView("score-" + index++, s, questionnaire.orElse(null), lang));
        }
        List<ResultsViews.AnswerRow> answers = answerRows(caller, patientId, responseIds, lang, forChild);
        String name = fi.vointi.web.answer.PatientNames.of(patientId);
        String whose = forChild ? Messages.get(lang, "app.results.whose", name) : null;
        // a guardian learns why a young person's own answers may be missing (the rule is public, the answers are not)
        String empty = forChild ? Messages.get(lang, "app.results.noneForChild", name, guardianAgeLimit) : null;
        Page page = Page.of(request, lang, Messages.get(lang, "app.results.title"));
        return pages.render(request, HttpStatus.OK, "app/results/list", page,
                new ResultsViews.ListView(whose, List.of(), List.copyOf(sections.values()), answers, empty));
    }

    private ResultsViews.ScoreView scoreView(String id, Series s, @Nullable Questionnaire questionnaire, String lang) {
        return scoreView(id, s, questionnaire, lang, responseId -> responseHref(responseId, lang));
    }

    /**
     * One score over time as the results pages show it (latest value, band, explanation, changes, chart, table);
     * {@code hrefOf} turns a response id into the address its table row links to. Also the clinician's view (web.staff).
     */
    public static ResultsViews.ScoreView scoreView(String id, Series s, @Nullable Questionnaire questionnaire, String lang,
                                                   java.util.function.Function<String, String> hrefOf) {
        String scoreCode = questionnaire == null ? s.code() : s.code().substring(questionnaire.getIdElement().getIdPart().length() + 1);
        Optional<ScoringRule> rule = questionnaire == null ? Optional.empty() : ScoreRules.rule(questionnaire, scoreCode);
        ScoreRules.Text name = questionnaire == null ? new ScoreRules.Text(s.display(), "fi")
                : ScoreRules.scoreName(questionnaire, scoreCode, lang, s.display());
        if (ScoreCodes.CAT_SCORE.equals(scoreCode) && questionnaire != null) {
            name = new ScoreRules.Text(Messages.get(lang, "app.results.catName",
                    Languages.text(questionnaire.getTitleElement(), lang)), lang);
        }
        List<Band> bands = rule.map(ScoringRule::bands).orElse(List.of());
        BigDecimal[] range = rule.map(ScoreRules::range).orElse(null);
        boolean tScore = "{T-score}".equals(s.unit());
        NumberFormat numbers = numbers(lang);

        List<ScoreChart.Input> inputs = new ArrayList<>();
        List<ResultsViews.Row> rows = new ArrayList<>();
        for (SeriesPoint p : s.points()) {
            String date = date(p.effective(), lang);
            inputs.add(new ScoreChart.Input(shortDate(p.effective(), lang), p.value()));
            rows.add(new ResultsViews.Row(date, p.value() == null ? Messages.get(lang, "app.results.notScored") : numbers.format(p.value()),
                    p.standardError() == null ? null : numbers.format(p.standardError()),
                    p.interpretation() == null ? "–" : bandText(questionnaire, scoreCode, p, lang).text(),
                    changeText(p.changeFromBaseline(), lang), changeText(p.changeFromPrevious(), lang),
                    hrefOf.apply(responseIdOf(p.derivedFrom()))));
        }
        SeriesPoint last = s.points().get(s.points().size() - 1);
        ScoreRules.Text band = last.interpretation() == null ? null : bandText(questionnaire, scoreCode, last, lang);
        List<ScoreChart.BandInput> bandInputs = bands.stream().map(b -> new ScoreChart.BandInput(b.code(),
                questionnaire == null ? b.display() : ScoreRules.bandName(questionnaire, scoreCode, b.code(), lang, b.display()).text(),
                b.low(), b.high())).toList();
        ScoreChart.Geometry geometry = ScoreChart.of(inputs, range == null ? null : range[0], range == null ? null : range[1], bandInputs);
        String explanation = explanation(lang, numbers, last, band, bands, questionnaire, scoreCode, range, tScore);
        String title = Messages.get(lang, "app.results.chart.title", name.text());
        String description = Messages.get(lang, "app.results.chart.desc", s.points().size(),
                numbers.format(geometry.min()), numbers.format(geometry.max()),
                bandInputs.isEmpty() ? "" : Messages.get(lang, "app.results.chart.bands", String.join(", ",
                        bandInputs.stream().map(b -> b.label() + " " + numbers.format(b.low()) + "–" + numbers.format(b.high())).toList())));
        List<String> ticks = geometry.ticks().stream().map(t -> numbers.format(t.value())).toList();
        List<String> pointTexts = geometry.points().stream().map(p -> p.value() == null ? "" : numbers.format(p.value())).toList();
        ResultsViews.Chart chart = new ResultsViews.Chart(id + "-title", id + "-desc", title, description, geometry, ticks,
                pointTexts, Messages.get(lang, tScore ? "app.results.axis.tscore" : "app.results.axis.score"));
        return new ResultsViews.ScoreView(id, name.text(), name.lang(),
                last.value() == null ? null : numbers.format(last.value()),
                last.standardError() == null ? null : numbers.format(last.standardError()),
                band == null ? null : band.text(), band == null ? lang : band.lang(), explanation,
                date(last.effective(), lang), change(last.changeFromBaseline(), lang), change(last.changeFromPrevious(), lang),
                chart, rows);
    }

    private static ScoreRules.Text bandText(@Nullable Questionnaire questionnaire, String scoreCode, SeriesPoint p, String lang) {
        String fallback = p.interpretationDisplay() == null ? p.interpretation() : p.interpretationDisplay();
        return questionnaire == null ? new ScoreRules.Text(fallback, "fi")
                : ScoreRules.bandName(questionnaire, scoreCode, p.interpretation(), lang, fallback);
    }

    /** A plain sentence from the rule: where the value lies on the scale and in which band. */
    private static String explanation(String lang, NumberFormat numbers, SeriesPoint last, @Nullable ScoreRules.Text band,
                                      List<Band> bands, @Nullable Questionnaire questionnaire, String scoreCode,
                                      @Nullable BigDecimal[] range, boolean tScore) {
        if (last.value() == null) {
            return Messages.get(lang, "app.results.explain.notScored");
        }
        StringBuilder text = new StringBuilder();
        if (tScore) {
            text.append(Messages.get(lang, "app.results.explain.tscore", numbers.format(last.value())));
            if (last.standardError() != null) {
                text.append(' ').append(Messages.get(lang, "app.results.explain.se", numbers.format(last.standardError())));
            }
        } else if (range != null) {
            text.append(Messages.get(lang, "app.results.explain.range", numbers.format(last.value()),
                    numbers.format(range[0]), numbers.format(range[1])));
        } else {
            text.append(Messages.get(lang, "app.results.explain.value", numbers.format(last.value())));
        }
        if (band != null) {
            Band b = bands.stream().filter(x -> x.code().equals(last.interpretation())).findFirst().orElse(null);
            text.append(' ').append(b == null ? Messages.get(lang, "app.results.explain.bandOnly", band.text())
                    : Messages.get(lang, "app.results.explain.band", band.text(), numbers.format(b.low()), numbers.format(b.high())));
        }
        if (!bands.isEmpty()) {
            text.append(' ').append(Messages.get(lang, "app.results.explain.demoBands"));
        }
        return text.toString();
    }

    /** A change with its word-mark (reliable, within measurement error, cannot be judged), or null. */
    public static ResultsViews.Change change(@Nullable SeriesChange change, String lang) {
        if (change == null) {
            return null;
        }
        NumberFormat numbers = numbers(lang);
        String difference = signed(numbers, change.difference());
        String mark = change.reliable() == null ? Messages.get(lang, "app.results.change.unknown")
                : change.reliable() ? Messages.get(lang, "app.results.change.reliable")
                : Messages.get(lang, "app.results.change.small");
        return new ResultsViews.Change(difference, difference + " (" + mark + ")", change.reliable(), mark);
    }

    private static String changeText(@Nullable SeriesChange change, String lang) {
        ResultsViews.Change c = change(change, lang);
        return c == null ? "–" : c.text();
    }

    private List<ResultsViews.AnswerRow> answerRows(Caller caller, String patientId, Set<String> responseIds, String lang,
                                                    boolean forChild) {
        Map<String, SharingService.Decision> latest = new LinkedHashMap<>();
        for (SharingService.Decision d : sharing.decisionsFor(patientId)) {
            latest.put(d.responseId(), d);
        }
        List<Map.Entry<Instant, ResultsViews.AnswerRow>> rows = new ArrayList<>();
        for (String id : responseIds) {
            StoredResponse row;
            try {
                row = responses.readable(caller, id);
            } catch (FhirException e) {
                continue;
            }
            QuestionnaireResponse response = responses.read(caller, id);
            Optional<Questionnaire> questionnaire = catalog.resolve(new CanonicalRef(row.questionnaireUrl(), row.questionnaireVersion()));
            SharingService.Decision decision = latest.get(id);
            rows.add(Map.entry(row.authored(), new ResultsViews.AnswerRow(responseHref(id, lang),
                    questionnaire.map(q -> Languages.text(q.getTitleElement(), lang)).orElse(row.questionnaireUrl()),
                    questionnaire.map(q -> Languages.languageOf(q.getTitleElement(), lang)).orElse(lang),
                    date(row.authored(), lang), reporterLabel(lang, Reporter.of(response), forChild),
                    sharingState(decision, row, lang))));
        }
        // newest first
        rows.sort(Map.Entry.<Instant, ResultsViews.AnswerRow>comparingByKey().reversed());
        return rows.stream().map(Map.Entry::getValue).toList();
    }

    // ---- One answer and its sharing --------------------------------------------------------------

    @Get(uri = "/{responseId}", produces = "text/html")
    public HttpResponse<String> response(@PathVariable String responseId, @Nullable @QueryValue String sent,
                                         @Nullable @QueryValue String decided,
                                         @Nullable @QueryValue("usability") String usabilityDone,
                                         HttpRequest<?> request) {
        String lang = Languages.of(request);
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(request);
        }
        AuditContext audit = AuditContext.of(request).operation("read");
        Optional<StoredResponse> found = own(caller, responseId);
        if (found.isEmpty()) {
            return notFound(request, lang);
        }
        StoredResponse row = found.get();
        audit.entity("QuestionnaireResponse/" + responseId).patient(row.subjectId());
        QuestionnaireResponse response = responses.read(caller, responseId);
        Optional<Questionnaire> questionnaire = catalog.resolve(new CanonicalRef(row.questionnaireUrl(), row.questionnaireVersion()));
        boolean forChild = !row.subjectId().equals(caller.patientId());
        NumberFormat numbers = numbers(lang);

        List<ResultsViews.ScoreLine> scores = new ArrayList<>();
        for (Observation o : observations.ofResponse(responseId, AccessPolicy.readGrants(caller))) {
            audit.entity("Observation/" + o.getIdElement().getIdPart());
            scores.add(scoreLine(o, questionnaire.orElse(null), lang, numbers));
        }
        List<ResultsViews.AnswerLine> answers = questionnaire.map(q -> answerLines(q, response, lang)).orElse(List.of());

        List<SharingService.Decision> decisions = sharing.decisionsFor(row.subjectId()).stream()
                .filter(d -> d.responseId().equals(responseId)).toList();
        boolean justSent = "1".equals(sent);
        boolean ask = justSent && decided == null && decisions.isEmpty() && row.unitRef() != null
                && Set.of("completed", "amended").contains(row.status());
        ResultsViews.Sharing sharingView = sharingView(row, decisions, ask, justSent, lang);

        ResultsViews.Usability check = null;
        String notice = null;
        if (decided != null) {
            notice = switch (decided) {
                case "share" -> Messages.get(lang, "app.results.sharing.done.share", sharingView.unitName());
                case "withdraw" -> Messages.get(lang, "app.results.sharing.done.withdraw");
                default -> Messages.get(lang, "app.results.sharing.done.later");
            };
            if (justSent && usabilityDone == null) {
                check = usability.view(lang, row.unitRef(), responseHref(responseId, lang));
            }
        }
        if ("thanks".equals(usabilityDone)) {
            notice = Messages.get(lang, "app.results.usability.thanks");
        }
        String title = questionnaire.map(q -> Languages.text(q.getTitleElement(), lang)).orElse(row.questionnaireUrl());
        Page page = Page.of(request, lang, title);
        return pages.render(request, HttpStatus.OK, "app/results/response", page, new ResultsViews.ResponseView(title,
                questionnaire.map(q -> Languages.languageOf(q.getTitleElement(), lang)).orElse(lang),
                date(row.authored(), lang), reporterLabel(lang, Reporter.of(response), forChild), scores, answers,
                sharingView, check, notice, listHref(forChild ? row.subjectId() : null, lang)));
    }

    @Post(uri = "/{responseId}/sharing", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> decide(@PathVariable String responseId, @Body Map<String, Object> form, HttpRequest<?> request) {
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(request);
        }
        Optional<StoredResponse> found = own(caller, responseId);
        String decision = values.getOrDefault("decision", "");
        if (found.isEmpty()) {
            return notFound(request, lang);
        }
        AuditContext audit = AuditContext.of(request).entity("QuestionnaireResponse/" + responseId).patient(found.get().subjectId());
        switch (decision) {
            case "share" -> {
                audit.operation("share");
                sharing.decide(caller, responseId, true);
            }
            case "withdraw" -> {
                audit.operation("withdraw-share");
                sharing.decide(caller, responseId, false);
            }
            case "later" -> audit.operation("read");
            default -> {
                Page page = Page.of(request, lang, Messages.get(lang, "app.results.problem"));
                return pages.message(request, HttpStatus.BAD_REQUEST, page, new HtmlPages.MessageView(page.title(),
                        Messages.get(lang, "app.results.sharing.badDecision"), responseHref(responseId, lang),
                        Messages.get(lang, "app.results.back"), null, true));
            }
        }
        UriBuilder next = UriBuilder.of("/app/results/" + encode(responseId)).queryParam("lang", lang).queryParam("decided", decision);
        if ("1".equals(values.get("sent"))) {
            next.queryParam("sent", "1");
        }
        // post/redirect/get: reload or Back never decides again
        return HttpResponse.<String>seeOther(URI.create(next.toString())).header("Cache-Control", "no-store");
    }

    private ResultsViews.Sharing sharingView(StoredResponse row, List<SharingService.Decision> decisions, boolean ask,
                                             boolean justSent, String lang) {
        String unitName = null;
        String unitLang = lang;
        if (row.unitRef() != null) {
            String unitId = row.unitRef().substring(row.unitRef().indexOf('/') + 1);
            try {
                Organization unit = organizations.read(unitId);
                unitName = Languages.text(unit.getNameElement(), lang);
                unitLang = Languages.languageOf(unit.getNameElement(), lang);
            } catch (FhirException e) {
                unitName = unitId; // a unit no longer in the structure: its id is all we know
            }
        }
        SharingService.Decision latest = decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
        List<String> history = decisions.stream().map(d -> Messages.get(lang, d.share()
                ? "app.results.sharing.history.share" : "app.results.sharing.history.withdraw", dateTime(d.decidedAt(), lang))).toList();
        List<ResultsViews.Hidden> hidden = new ArrayList<>();
        hidden.add(new ResultsViews.Hidden("lang", lang));
        if (justSent) {
            hidden.add(new ResultsViews.Hidden("sent", "1"));
        }
        return new ResultsViews.Sharing(ask, unitName, unitLang, sharingState(latest, row, lang, unitName), row.shared(), history,
                "/app/results/" + encode(row.id()) + "/sharing", hidden);
    }

    private String sharingState(@Nullable SharingService.Decision decision, StoredResponse row, String lang) {
        return sharingState(decision, row, lang, null);
    }

    private static String sharingState(@Nullable SharingService.Decision decision, StoredResponse row, String lang,
                                       @Nullable String unitName) {
        if (row.unitRef() == null) {
            return Messages.get(lang, "app.results.sharing.noUnit");
        }
        String unit = unitName == null ? "" : unitName;
        if (decision == null) {
            return Messages.get(lang, unitName == null ? "app.results.sharing.notShared" : "app.results.sharing.notSharedWith", unit);
        }
        return decision.share()
                ? Messages.get(lang, unitName == null ? "app.results.sharing.shared" : "app.results.sharing.sharedWith",
                dateTime(decision.decidedAt(), lang), unit)
                : Messages.get(lang, unitName == null ? "app.results.sharing.withdrawn" : "app.results.sharing.withdrawnFrom",
                dateTime(decision.decidedAt(), lang), unit);
    }

    /** One Observation of one answer as a line of the answer's page: name, value, SE, band and explanation. */
    public static ResultsViews.ScoreLine scoreLine(Observation o, @Nullable Questionnaire questionnaire, String lang, NumberFormat numbers) {
        String code = o.getCode().getCodingFirstRep().getCode();
        String display = o.getCode().getCodingFirstRep().getDisplay();
        String scoreCode = questionnaire == null ? code : code.substring(Math.min(code.length(), questionnaire.getIdElement().getIdPart().length() + 1));
        ScoreRules.Text name = questionnaire == null ? new ScoreRules.Text(display, "fi")
                : ScoreCodes.CAT_SCORE.equals(scoreCode)
                ? new ScoreRules.Text(Messages.get(lang, "app.results.catName", Languages.text(questionnaire.getTitleElement(), lang)), lang)
                : ScoreRules.scoreName(questionnaire, scoreCode, lang, display);
        BigDecimal value = o.hasValueQuantity() ? o.getValueQuantity().getValue() : null;
        BigDecimal se = null;
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            if (ScoreCodes.STANDARD_ERROR.equals(c.getCode().getCodingFirstRep().getCode()) && c.getValue() instanceof Quantity q) {
                se = q.getValue();
            }
        }
        Coding bandCoding = o.hasInterpretation() ? o.getInterpretationFirstRep().getCodingFirstRep() : null;
        ScoreRules.Text band = bandCoding == null ? null : questionnaire == null ? new ScoreRules.Text(bandCoding.getDisplay(), "fi")
                : ScoreRules.bandName(questionnaire, scoreCode, bandCoding.getCode(), lang, bandCoding.getDisplay());
        Optional<ScoringRule> rule = questionnaire == null ? Optional.empty() : ScoreRules.rule(questionnaire, scoreCode);
        SeriesPoint point = new SeriesPoint(null, null, null, null, value, se, bandCoding == null ? null : bandCoding.getCode(),
                null, null, null, null);
        boolean tScore = o.hasValueQuantity() && "{T-score}".equals(o.getValueQuantity().getUnit());
        return new ResultsViews.ScoreLine(name.text(), name.lang(), value == null ? Messages.get(lang, "app.results.notScored")
                : numbers.format(value), se == null ? null : numbers.format(se), band == null ? null : band.text(),
                band == null ? lang : band.lang(), explanation(lang, numbers, point, band, rule.map(ScoringRule::bands).orElse(List.of()),
                questionnaire, scoreCode, rule.map(ScoreRules::range).orElse(null), tScore));
    }

    /** The answered questions in questionnaire order, with the answers' own texts in the page language. */
    public static List<ResultsViews.AnswerLine> answerLines(Questionnaire questionnaire, QuestionnaireResponse response, String lang) {
        Map<String, List<Type>> given = new LinkedHashMap<>();
        collect(response.getItem(), given);
        List<ResultsViews.AnswerLine> lines = new ArrayList<>();
        walk(questionnaire.getItem(), given, lang, lines);
        return lines;
    }

    private static void collect(List<QuestionnaireResponse.QuestionnaireResponseItemComponent> items, Map<String, List<Type>> given) {
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : items) {
            if (item.hasAnswer()) {
                given.put(item.getLinkId(), item.getAnswer().stream().map(a -> (Type) a.getValue()).toList());
                item.getAnswer().forEach(a -> collect(a.getItem(), given));
            }
            collect(item.getItem(), given);
        }
    }

    private static void walk(List<Questionnaire.QuestionnaireItemComponent> items, Map<String, List<Type>> given, String lang,
                             List<ResultsViews.AnswerLine> lines) {
        for (Questionnaire.QuestionnaireItemComponent item : items) {
            List<Type> values = given.get(item.getLinkId());
            if (values != null && !values.isEmpty()) {
                List<String> texts = new ArrayList<>();
                String answerLang = lang;
                for (Type value : values) {
                    PrimitiveType<?> shown = shown(item, value, lang);
                    if (shown != null) {
                        texts.add(Languages.text(shown, lang));
                        answerLang = Languages.languageOf(shown, lang);
                    } else if (value instanceof org.hl7.fhir.r4.model.BooleanType b) {
                        texts.add(Messages.get(lang, b.booleanValue() ? "app.results.yes" : "app.results.no"));
                    } else if (value instanceof PrimitiveType<?> p) {
                        texts.add(p.getValueAsString());
                    }
                }
                lines.add(new ResultsViews.AnswerLine(Languages.text(item.getTextElement(), lang),
                        Languages.languageOf(item.getTextElement(), lang), String.join(", ", texts), answerLang));
            }
            walk(item.getItem(), given, lang, lines);
        }
    }

    /** The display of the answer option a Coding answer matches (translated there), or null for other values. */
    private static PrimitiveType<?> shown(Questionnaire.QuestionnaireItemComponent item, Type value, String lang) {
        if (!(value instanceof Coding coding)) {
            return null;
        }
        for (Questionnaire.QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
            if (option.getValue() instanceof Coding c && c.getCode() != null && c.getCode().equals(coding.getCode())
                    && java.util.Objects.equals(c.getSystem(), coding.getSystem())) {
                return c.getDisplayElement();
            }
        }
        return coding.getDisplayElement();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The response when it is about someone the caller acts for (their own or their child's); else empty, as unknown. */
    private Optional<StoredResponse> own(Caller caller, String responseId) {
        try {
            StoredResponse row = responses.readable(caller, responseId);
            return row.subjectId() != null && "Patient".equals(row.subjectType()) && caller.actsFor().contains(row.subjectId())
                    ? Optional.of(row) : Optional.empty();
        } catch (FhirException e) {
            return Optional.empty();
        }
    }

    private HttpResponse<String> signIn(HttpRequest<?> request) {
        String here = request.getUri().getRawPath() + (request.getUri().getRawQuery() == null ? "" : "?" + request.getUri().getRawQuery());
        if (request.getMethod() != io.micronaut.http.HttpMethod.GET) {
            here = request.getUri().getRawPath().replaceFirst("/sharing$", "");
        }
        return HttpResponse.<String>seeOther(URI.create("/signin?return=" + encode(here))).header("Cache-Control", "no-store");
    }

    private HttpResponse<String> notFound(HttpRequest<?> request, String lang) {
        Page page = Page.of(request, lang, Messages.get(lang, "error.404.title"));
        return pages.message(request, HttpStatus.NOT_FOUND, page, new HtmlPages.MessageView(page.title(),
                Messages.get(lang, "error.404.text"), "/", Messages.get(lang, "error.home"), null, true));
    }

    public static String reporterLabel(String lang, Reporter reporter, boolean forChild) {
        return Messages.get(lang, "app.results.reporter." + reporter.code() + (forChild ? ".child" : ".own"));
    }

    public static String responseIdOf(@Nullable String derivedFrom) {
        if (derivedFrom == null) {
            return "";
        }
        String rest = derivedFrom.substring(derivedFrom.indexOf('/') + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static String responseHref(String id, String lang) {
        return "/app/results/" + encode(id);
    }

    private static String listHref(@Nullable String child, String lang) {
        return child == null ? "/app/results" : "/app/results?patient=" + encode(child);
    }

    public static NumberFormat numbers(String lang) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.forLanguageTag(lang));
        format.setMaximumFractionDigits(2);
        format.setGroupingUsed(false);
        return format;
    }

    private static String signed(NumberFormat numbers, BigDecimal value) {
        return value.signum() > 0 ? "+" + numbers.format(value) : numbers.format(value);
    }

    public static String date(String effective, String lang) {
        return date(new org.hl7.fhir.r4.model.DateTimeType(effective).getValue().toInstant(), lang);
    }

    private static String shortDate(String effective, String lang) {
        Instant at = new org.hl7.fhir.r4.model.DateTimeType(effective).getValue().toInstant();
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.SHORT).withLocale(Locale.forLanguageTag(lang)).withZone(ZONE).format(at);
    }

    public static String date(Instant at, String lang) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(Locale.forLanguageTag(lang)).withZone(ZONE).format(at);
    }

    public static String dateTime(Instant at, String lang) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(Locale.forLanguageTag(lang))
                .withZone(ZONE).format(at);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
