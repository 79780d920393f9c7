package fi.vointi.web.manage;

import fi.vointi.analytics.AnalyticsConfig;
import fi.vointi.analytics.AnalyticsController;
import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports;
import fi.vointi.analytics.FeedbackReports.Cell;
import fi.vointi.analytics.FeedbackReports.Report;
import fi.vointi.analytics.FeedbackSurvey;
import fi.vointi.analytics.ReportPeriod;
import fi.vointi.audit.AuditContext;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StringType;

import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The feedback dashboard of unit and service-area managers (docs/analytics.md, "Manager's pages"):
 * {@code /manage/feedback?unit=&from=&to=&granularity=&audience=}. Every figure is a cell of {@link FeedbackReports}
 * built from the same parsed query ({@link AnalyticsController.Query}) as {@code /analytics/units/{unit}/feedback},
 * so the page shows exactly what the API answers, suppressed exactly as there; access is {@link ManagedUnits} (the
 * API's {@code AnalyticsAccess} rules). Charts are server-rendered SVG, each with a table of the same figures.
 */
@Controller("/manage")
@Secured(SecurityRule.IS_ANONYMOUS) // ManagedUnits decides: anonymous browsers are sent to sign in
@ExecuteOn(TaskExecutors.BLOCKING)
public class ManageFeedbackController {
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    static final List<String> GRANULARITIES = List.of("month", "quarter", "year");
    static final List<String> AUDIENCES = List.of("customer", "adult", "child", "relative", "staff");

    private final ManagedUnits units;
    private final FeedbackReports reports;
    private final AnalyticsStore store;
    private final AnalyticsConfig config;
    private final HtmlPages pages;
    private final QuestionnaireCatalog catalog;

    public ManageFeedbackController(ManagedUnits units, FeedbackReports reports, AnalyticsStore store, AnalyticsConfig config,
                                    HtmlPages pages, QuestionnaireCatalog catalog) {
        this.units = units;
        this.reports = reports;
        this.store = store;
        this.config = config;
        this.pages = pages;
        this.catalog = catalog;
    }

    @Get(uri = "/feedback", produces = "text/html")
    @Transactional(readOnly = true)
    public HttpResponse<String> feedback(@Nullable @QueryValue String unit, @Nullable @QueryValue String from,
                                         @Nullable @QueryValue String to, @Nullable @QueryValue String granularity,
                                         @Nullable @QueryValue String audience, HttpRequest<?> request) {
        String lang = Languages.of(request);
        ManagedUnits.Decision decision = units.decide(request, lang, unit, "analytics-report");
        if (decision.refusal() != null) {
            return decision.refusal();
        }
        Unit shown = decision.unit();
        LocalDate today = LocalDate.now(ZONE);
        String fromText = blank(from) ? YearMonth.from(today).minusMonths(11).atDay(1).toString() : from;
        String toText = blank(to) ? today.toString() : to;
        String granularityCode = blank(granularity) ? "month" : granularity;
        String audienceCode = blank(audience) ? "customer" : audience;
        List<String> errors = errors(lang, fromText, toText, granularityCode, audienceCode);
        AnalyticsController.Query query = null;
        if (errors.isEmpty()) {
            try {
                query = AnalyticsController.Query.parse(fromText, toText, granularityCode, audienceCode);
            } catch (FhirException e) {
                errors.add(Messages.get(lang, "manage.error.period"));
            }
        }
        ManageViews.Filters filters = new ManageViews.Filters("/manage/feedback", unitOptions(decision.choices(), shown.id()),
                fromText, toText, options(lang, "manage.granularity.", GRANULARITIES, granularityCode),
                options(lang, "manage.audience.", AUDIENCES, audienceCode), errors);
        Page page = Page.of(request, lang, Messages.get(lang, "manage.feedback.title"));
        if (query == null) {
            return pages.render(request, HttpStatus.BAD_REQUEST, "manage/feedback", page, new ManageViews.FeedbackView(filters,
                    shown.name(), shown.id(), "", "", false, config.getMinCellSize(), null, null, List.of(), List.of(),
                    List.of(), false, List.of(), "", promsHref(shown.id(), fromText, toText)));
        }
        Formats f = new Formats(lang);
        Report report = reports.report(shown, query.period(), query.audiences());
        List<Report> children = reports.childReports(shown, query.period(), query.audiences());
        List<ManageViews.CellView> series = report.series().stream().map(c -> cell(f, c, lang)).toList();
        ManageViews.CellView total = cell(f, report.total(), lang);
        List<ManageViews.StatementView> statements = statements(f, report.total(), lang);
        List<ManageViews.ChildRow> childRows = new ArrayList<>();
        for (Report child : children) {
            ManageViews.CellView cell = cell(f, child.total(), lang);
            FeedbackReports.Nps nps = child.total().nps();
            String href = UriBuilder.of("/manage/feedback").queryParam("unit", child.unit().id()).queryParam("from", fromText)
                    .queryParam("to", toText).queryParam("granularity", granularityCode).queryParam("audience", audienceCode).toString();
            childRows.add(new ManageViews.ChildRow(child.unit().name(), href, cell,
                    nps == null ? null : FeedbackCharts.marker(nps.score(), nps.lower(), nps.upper()),
                    nps == null ? "" : Messages.get(lang, "manage.chart.marker", child.unit().name(), f.number(nps.score()),
                            f.number(nps.lower()), f.number(nps.upper()))));
        }
        // open text exactly as GET …/open-text: the group widened to whole months, offered only when every atomic cell
        // of it is published and big enough
        AnalyticsController.Query months = AnalyticsController.Query.parse(fromText, toText, "month", audienceCode);
        boolean offered = reports.openTextOffered(shown, months.period(), months.audiences(), config.getOpenTextMinAnswers());
        List<String> comments = offered ? store.openTexts(shown.id(), months.period().from(), months.period().to(), months.audiences())
                : List.of();
        if (offered) {
            AuditContext.of(request).operation("analytics-open-text");
        }
        String period = Messages.get(lang, "manage.period", f.date(query.period().from()), f.date(query.period().to()));
        ManageViews.FeedbackView view = new ManageViews.FeedbackView(filters, shown.name(), shown.id(), period,
                Messages.get(lang, "manage.audience." + audienceCode),
                !query.period().from().equals(query.from()) || !query.period().to().equals(query.to()), config.getMinCellSize(),
                total, trend(f, report.series(), lang), series, statements, childRows, offered, comments,
                Messages.get(lang, "manage.openText.unavailable", Math.max(config.getOpenTextMinAnswers(), config.getMinCellSize())),
                promsHref(shown.id(), fromText, toText));
        return pages.render(request, HttpStatus.OK, "manage/feedback", page, view);
    }

    static String promsHref(String unitId, String from, String to) {
        return UriBuilder.of("/manage/proms").queryParam("unit", unitId).queryParam("from", from).queryParam("to", to).toString();
    }

    /** The filter's problems in the page language (the API's rules: dates 2000–2100, from ≤ to, at most 10 years). */
    static List<String> errors(String lang, String from, String to, String granularity, String audience) {
        List<String> errors = new ArrayList<>();
        LocalDate start = date(from);
        LocalDate end = date(to);
        if (start == null) {
            errors.add(Messages.get(lang, "manage.error.from"));
        }
        if (end == null) {
            errors.add(Messages.get(lang, "manage.error.to"));
        }
        if (start != null && end != null && (start.isAfter(end) || end.isAfter(start.plusYears(ReportPeriod.MAX_YEARS)))) {
            errors.add(Messages.get(lang, "manage.error.period"));
        }
        if (granularity != null && !GRANULARITIES.contains(granularity)) {
            errors.add(Messages.get(lang, "manage.error.granularity"));
        }
        if (audience != null && !AUDIENCES.contains(audience)) {
            errors.add(Messages.get(lang, "manage.error.audience"));
        }
        return errors;
    }

    @Nullable
    static LocalDate date(String text) {
        try {
            LocalDate date = LocalDate.parse(text);
            return date.getYear() < 2000 || date.getYear() > 2100 ? null : date;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static List<ManageViews.Option> unitOptions(List<ManagedUnits.Choice> choices, String selected) {
        return choices.stream().map(c -> new ManageViews.Option(c.id(), "– ".repeat(c.depth()) + c.name(), c.id().equals(selected)))
                .toList();
    }

    static List<ManageViews.Option> options(String lang, String prefix, List<String> codes, String selected) {
        return codes.stream().map(c -> new ManageViews.Option(c, Messages.get(lang, prefix + c), c.equals(selected))).toList();
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    static ManageViews.CellView cell(Formats f, Cell c, String lang) {
        if (c.suppression() != null) {
            return new ManageViews.CellView(c.label(), true, true, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                    "", "", "", List.of(), "");
        }
        FeedbackReports.Nps nps = c.nps();
        String visits = c.visits() == null ? "" : f.count(c.visits());
        String rate = c.responseRate() == null ? "" : f.number(c.responseRate());
        String invitations = c.invitations() == null ? "" : f.count(c.invitations());
        String invitationRate = c.invitationRate() == null ? "" : f.number(c.invitationRate());
        if (nps == null) {
            return new ManageViews.CellView(c.label(), false, c.withheld(), f.count(c.responses()), "0", "", "", "", "", "", "",
                    "", "", "", "", "", "", visits, rate, invitations, invitationRate, List.of(), "");
        }
        String promotersPct = f.number(100.0 * nps.promoters() / nps.n());
        String passivesPct = f.number(100.0 * nps.passives() / nps.n());
        String detractorsPct = f.number(100.0 * nps.detractors() / nps.n());
        return new ManageViews.CellView(c.label(), false, c.withheld(), f.count(c.responses()), f.count(nps.n()),
                f.number(nps.score()), raw(nps.score()), f.number(nps.lower()), raw(nps.lower()), f.number(nps.upper()),
                raw(nps.upper()), f.count(nps.promoters()), f.count(nps.passives()), f.count(nps.detractors()), promotersPct,
                passivesPct, detractorsPct, visits, rate, invitations, invitationRate,
                FeedbackCharts.split(nps.promoters(), nps.passives(), nps.detractors()),
                Messages.get(lang, "manage.chart.split", detractorsPct, passivesPct, promotersPct));
    }

    private List<ManageViews.StatementView> statements(Formats f, Cell total, String lang) {
        if (total.suppression() != null) {
            return List.of();
        }
        Map<String, StringType> texts = statementTexts(catalog);
        List<ManageViews.StatementView> views = new ArrayList<>();
        for (FeedbackReports.Statement s : total.statements()) {
            StringType text = texts.get(s.id());
            long n = s.n();
            long disagree = s.distribution()[0] + s.distribution()[1];
            long agree = s.distribution()[3] + s.distribution()[4];
            String barLabel = n == 0 ? Messages.get(lang, "manage.chart.onlyCantSay")
                    : Messages.get(lang, "manage.chart.diverging", f.number(100.0 * disagree / n),
                    f.number(100.0 * s.distribution()[2] / n), f.number(100.0 * agree / n));
            List<String> distribution = new ArrayList<>();
            for (long count : s.distribution()) {
                distribution.add(f.count(count));
            }
            views.add(new ManageViews.StatementView(s.id(), text == null ? s.id() : Languages.text(text, lang),
                    text == null ? lang : Languages.languageOf(text, lang), f.count(n),
                    s.mean() == null ? "" : f.number(s.mean()), s.mean() == null ? "" : raw(s.mean()),
                    s.agreePercent() == null ? "" : f.number(s.agreePercent()), s.agreePercent() == null ? "" : raw(s.agreePercent()),
                    distribution, f.count(s.cantSay()), FeedbackCharts.diverging(s.distribution()), barLabel));
        }
        return views;
    }

    /** Each statement's text, by its linkId, from the served feedback surveys (the newest version's wording wins). */
    static Map<String, StringType> statementTexts(QuestionnaireCatalog catalog) {
        Map<String, StringType> texts = new HashMap<>();
        for (Questionnaire q : catalog.all()) {
            if (FeedbackSurvey.audience(q).isPresent()) {
                collect(q.getItem(), texts);
            }
        }
        return texts;
    }

    private static void collect(List<Questionnaire.QuestionnaireItemComponent> items, Map<String, StringType> texts) {
        for (Questionnaire.QuestionnaireItemComponent item : items) {
            if (item.getLinkId() != null && item.getLinkId().startsWith("statement")) {
                texts.put(item.getLinkId(), item.getTextElement());
            }
            collect(item.getItem(), texts);
        }
    }

    static ManageViews.Trend trend(Formats f, List<Cell> series, String lang) {
        List<FeedbackCharts.TrendInput> inputs = new ArrayList<>();
        int shown = 0;
        for (Cell c : series) {
            FeedbackReports.Nps nps = c.suppression() == null ? c.nps() : null;
            inputs.add(nps == null ? new FeedbackCharts.TrendInput(c.label(), null, null, null)
                    : new FeedbackCharts.TrendInput(c.label(), nps.score(), nps.lower(), nps.upper()));
            shown += nps == null ? 0 : 1;
        }
        if (shown == 0) {
            return null;
        }
        FeedbackCharts.Trend geometry = FeedbackCharts.trend(inputs);
        List<String> ticks = geometry.ticks().stream().map(t -> f.count(t.value())).toList();
        return new ManageViews.Trend(geometry, Messages.get(lang, "manage.trend.title"),
                Messages.get(lang, "manage.trend.description", shown, series.size()), ticks);
    }

    /** As the JSON writes a double (so data-value can be compared with the API's numbers). */
    static String raw(double value) {
        return Double.toString(value);
    }

    /** Numbers and dates in the page language. */
    static final class Formats {
        private final NumberFormat numbers;
        private final NumberFormat counts;
        private final java.time.format.DateTimeFormatter dates;

        Formats(String lang) {
            Locale locale = Locale.forLanguageTag(lang);
            numbers = NumberFormat.getNumberInstance(locale);
            numbers.setMaximumFractionDigits(2);
            numbers.setMinimumFractionDigits(0);
            numbers.setGroupingUsed(false);
            counts = NumberFormat.getIntegerInstance(locale);
            counts.setGroupingUsed(false);
            dates = java.time.format.DateTimeFormatter.ofLocalizedDate(java.time.format.FormatStyle.MEDIUM).withLocale(locale);
        }

        String number(double value) {
            return numbers.format(value);
        }

        String count(long value) {
            return counts.format(value);
        }

        String date(LocalDate date) {
            return dates.format(date);
        }
    }
}
