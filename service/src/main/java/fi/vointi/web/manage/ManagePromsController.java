package fi.vointi.web.manage;

import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.usage.PromUsage;
import fi.vointi.usage.PromUsageReport;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.hl7.fhir.r4.model.Questionnaire;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PROM usage metrics of a manager's units (docs/analytics.md, "PROM usage"): {@code /manage/proms?unit=&from=&to=}
 * as a page and {@code /manage/proms.csv} with the same rows (Commons CSV). Access as the feedback analytics
 * ({@link ManagedUnits}); suppression and figures from {@link PromUsage}.
 */
@Controller("/manage")
@Secured(SecurityRule.IS_ANONYMOUS) // ManagedUnits decides: anonymous browsers are sent to sign in
@ExecuteOn(TaskExecutors.BLOCKING)
public class ManagePromsController {
    static final List<String> CSV_HEADER = List.of("unit_id", "unit_name", "questionnaire", "month", "suppression",
            "patients_invited", "responses_started", "responses_completed", "completion_rate_pct", "median_hours_to_answer",
            "adaptive_mean_length", "visits", "completed_per_100_visits");
    static final List<String> USABILITY_HEADER = List.of("unit_id", "unit_name", "questionnaire", "month", "suppression",
            "usability_answers", "usability_mean_score");

    private final ManagedUnits units;
    private final PromUsageReport usage;
    private final HtmlPages pages;
    private final QuestionnaireCatalog catalog;

    public ManagePromsController(ManagedUnits units, PromUsageReport usage, HtmlPages pages, QuestionnaireCatalog catalog) {
        this.units = units;
        this.usage = usage;
        this.pages = pages;
        this.catalog = catalog;
    }

    @Get(uri = "/proms", produces = "text/html")
    @Transactional(readOnly = true)
    public HttpResponse<String> proms(@Nullable @QueryValue String unit, @Nullable @QueryValue String from,
                                      @Nullable @QueryValue String to, HttpRequest<?> request) {
        String lang = Languages.of(request);
        ManagedUnits.Decision decision = units.decide(request, lang, unit, "prom-usage");
        if (decision.refusal() != null) {
            return decision.refusal();
        }
        Unit shown = decision.unit();
        Period period = Period.of(from, to);
        List<String> errors = ManageFeedbackController.errors(lang, period.fromText(), period.toText(), null, null);
        ManageViews.Filters filters = new ManageViews.Filters("/manage/proms",
                ManageFeedbackController.unitOptions(decision.choices(), shown.id()), period.fromText(), period.toText(),
                List.of(), List.of(), errors);
        Page page = Page.of(request, lang, Messages.get(lang, "manage.proms.title"));
        String feedbackHref = UriBuilder.of("/manage/feedback").queryParam("unit", shown.id())
                .queryParam("from", period.fromText()).queryParam("to", period.toText()).toString();
        if (!errors.isEmpty()) {
            return pages.render(request, HttpStatus.BAD_REQUEST, "manage/proms", page, new ManageViews.PromsView(filters,
                    shown.name(), "", 0, List.of(), List.of(), "", feedbackHref));
        }
        PromUsageReport.Result result = usage.report(shown.id(), period.first(), period.last());
        ManageFeedbackController.Formats f = new ManageFeedbackController.Formats(lang);
        Map<String, Questionnaire> questionnaires = new HashMap<>();
        List<ManageViews.PromRow> rows = new ArrayList<>();
        for (PromUsage.Row row : result.rows()) {
            Optional<Questionnaire> q = Optional.ofNullable(questionnaires.computeIfAbsent(row.key().questionnaireUrl(),
                    url -> catalog.resolve(new CanonicalRef(url, null)).orElse(null)));
            String title = q.map(x -> Languages.text(x.getTitleElement(), lang)).filter(t -> !t.isEmpty()).orElse(row.key().questionnaireUrl());
            String titleLang = q.map(x -> Languages.languageOf(x.getTitleElement(), lang)).orElse(lang);
            rows.add(new ManageViews.PromRow(name(result, row.key().unitId()), title, titleLang, row.key().month().toString(),
                    row.suppressed(), count(f, row.invitedPatients()), count(f, row.started()), count(f, row.completed()),
                    number(f, row.completionRate()), number(f, row.medianHoursToAnswer()), number(f, row.adaptiveMeanLength()),
                    count(f, row.visits()), number(f, row.completionPerVisits())));
        }
        List<ManageViews.UsabilityRow> usability = result.usability().stream().map(u -> new ManageViews.UsabilityRow(
                name(result, u.key().unitId()), u.key().month().toString(), u.suppressed(), count(f, u.answers()),
                number(f, u.meanScore()))).toList();
        String csvHref = UriBuilder.of("/manage/proms.csv").queryParam("unit", shown.id()).queryParam("from", period.fromText())
                .queryParam("to", period.toText()).toString();
        String periodText = Messages.get(lang, "manage.period", f.date(period.first()), f.date(period.last()));
        return pages.render(request, HttpStatus.OK, "manage/proms", page, new ManageViews.PromsView(filters, shown.name(),
                periodText, result.minCellSize(), rows, usability, csvHref, feedbackHref));
    }

    @Get(uri = "/proms.csv", produces = {"text/csv", "text/html"}) // html: the refusal pages
    @Transactional(readOnly = true)
    public HttpResponse<String> csv(@Nullable @QueryValue String unit, @Nullable @QueryValue String from,
                                    @Nullable @QueryValue String to, HttpRequest<?> request) {
        String lang = Languages.of(request);
        ManagedUnits.Decision decision = units.decide(request, lang, unit, "prom-usage");
        if (decision.refusal() != null) {
            return decision.refusal();
        }
        Period period = Period.of(from, to);
        if (!ManageFeedbackController.errors(lang, period.fromText(), period.toText(), null, null).isEmpty()) {
            return HttpResponse.<String>status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_PLAIN_TYPE)
                    .body(Messages.get("en", "manage.error.period"));
        }
        PromUsageReport.Result result = usage.report(decision.unit().id(), period.first(), period.last());
        return HttpResponse.ok(csv(result)).contentType(MediaType.of("text/csv;charset=UTF-8")).header("Cache-Control", "no-store")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"prom-usage-" + decision.unit().id() + ".csv\"");
    }

    /**
     * One row per unit, questionnaire and month, then the usability check's rows (questionnaire
     * {@code demo-usability-check}'s url, its own columns at the end). A suppressed row has {@code small-cell} and no figures.
     */
    static String csv(PromUsageReport.Result result) {
        List<String> header = new ArrayList<>(CSV_HEADER);
        header.addAll(USABILITY_HEADER.subList(5, USABILITY_HEADER.size()));
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (PromUsage.Row row : result.rows()) {
                List<Object> values = new ArrayList<>(List.of(row.key().unitId(), name(result, row.key().unitId()),
                        row.key().questionnaireUrl(), row.key().month().toString(), row.suppressed() ? "small-cell" : ""));
                values.addAll(List.of(blank(row.invitedPatients()), blank(row.started()), blank(row.completed()),
                        blank(row.completionRate()), blank(row.medianHoursToAnswer()), blank(row.adaptiveMeanLength()),
                        blank(row.visits()), blank(row.completionPerVisits()), "", ""));
                printer.printRecord(values);
            }
            for (PromUsage.UsabilityRow row : result.usability()) {
                List<Object> values = new ArrayList<>(List.of(row.key().unitId(), name(result, row.key().unitId()),
                        fi.vointi.feedback.UsabilityCheck.QUESTIONNAIRE, row.key().month().toString(),
                        row.suppressed() ? "small-cell" : ""));
                for (int i = 0; i < CSV_HEADER.size() - 5; i++) {
                    values.add("");
                }
                values.add(blank(row.answers()));
                values.add(blank(row.meanScore()));
                printer.printRecord(values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Object blank(@Nullable Object value) {
        return value == null ? "" : value;
    }

    private static String name(PromUsageReport.Result result, String unitId) {
        AnalyticsStore.Unit unit = result.units().get(unitId);
        return unit == null ? unitId : unit.name();
    }

    private static String count(ManageFeedbackController.Formats f, @Nullable Long value) {
        return value == null ? "" : f.count(value);
    }

    private static String number(ManageFeedbackController.Formats f, @Nullable Double value) {
        return value == null ? "" : f.number(value);
    }

    /** The period: whole calendar months from {@code from}'s month to {@code to}'s (default: the last 12 months). */
    record Period(String fromText, String toText, LocalDate first, LocalDate last) {
        static Period of(@Nullable String from, @Nullable String to) {
            LocalDate today = LocalDate.now(ManageFeedbackController.ZONE);
            String fromText = from == null || from.isBlank() ? YearMonth.from(today).minusMonths(11).atDay(1).toString() : from;
            String toText = to == null || to.isBlank() ? today.toString() : to;
            LocalDate start = ManageFeedbackController.date(fromText);
            LocalDate end = ManageFeedbackController.date(toText);
            return new Period(fromText, toText, start == null ? null : start.withDayOfMonth(1),
                    end == null ? null : YearMonth.from(end).atEndOfMonth());
        }
    }
}
