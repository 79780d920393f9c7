package fi.vointi.web.manage;

import fi.vointi.analytics.AnalyticsConfig;
import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports;
import fi.vointi.analytics.RoundReports;
import fi.vointi.analytics.SurveyCycle;
import fi.vointi.analytics.SurveyCycles;
import fi.vointi.catalog.QuestionnaireCatalog;
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
import org.hl7.fhir.r4.model.StringType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rounds of a recurring survey side by side for managers (docs/analytics.md, "Recurring surveys"):
 * {@code /manage/rounds?unit=&survey=}. The figures are {@link RoundReports} cells, the very objects the JSON of
 * {@code GET /analytics/units/{unit}/rounds?survey=} is written from; access is {@link ManagedUnits} (the API's rules).
 */
@Controller("/manage")
@Secured(SecurityRule.IS_ANONYMOUS) // ManagedUnits decides: anonymous browsers are sent to sign in
@ExecuteOn(TaskExecutors.BLOCKING)
public class ManageRoundsController {
    private final ManagedUnits units;
    private final SurveyCycles cycles;
    private final RoundReports rounds;
    private final AnalyticsStore store;
    private final AnalyticsConfig config;
    private final HtmlPages pages;
    private final QuestionnaireCatalog catalog;

    public ManageRoundsController(ManagedUnits units, SurveyCycles cycles, RoundReports rounds, AnalyticsStore store,
                                  AnalyticsConfig config, HtmlPages pages, QuestionnaireCatalog catalog) {
        this.units = units;
        this.cycles = cycles;
        this.rounds = rounds;
        this.store = store;
        this.config = config;
        this.pages = pages;
        this.catalog = catalog;
    }

    @Get(uri = "/rounds", produces = "text/html")
    @Transactional(readOnly = true)
    public HttpResponse<String> rounds(@Nullable @QueryValue String unit, @Nullable @QueryValue String survey,
                                       HttpRequest<?> request) {
        String lang = Languages.of(request);
        ManagedUnits.Decision decision = units.decide(request, lang, unit, "analytics-report");
        if (decision.refusal() != null) {
            return decision.refusal();
        }
        Unit shown = decision.unit();
        Set<String> above = store.ancestors(shown.id());
        List<SurveyCycle> offered = cycles.all().stream().filter(c -> c.covers(above)).toList();
        String chosen = survey == null || survey.isBlank() ? (offered.isEmpty() ? "" : offered.get(0).survey()) : survey;
        SurveyCycle cycle = offered.stream().filter(c -> c.survey().equals(chosen)).findFirst().orElse(null);
        List<ManageViews.Option> surveyOptions = offered.stream()
                .map(c -> new ManageViews.Option(c.survey(), c.survey(), c.survey().equals(chosen))).toList();
        List<String> errors = new ArrayList<>();
        if (cycle == null && !chosen.isEmpty()) {
            errors.add(Messages.get(lang, "manage.rounds.error.survey"));
        }
        ManageViews.Filters filters = new ManageViews.Filters("/manage/rounds",
                ManageFeedbackController.unitOptions(decision.choices(), shown.id()), "", "", List.of(), List.of(), errors);
        Page page = Page.of(request, lang, Messages.get(lang, "manage.rounds.title"));
        if (cycle == null) {
            String message = Messages.get(lang, offered.isEmpty() ? "manage.rounds.none" : "manage.rounds.choose");
            return pages.render(request, errors.isEmpty() ? HttpStatus.OK : HttpStatus.BAD_REQUEST, "manage/rounds", page,
                    new ManageViews.RoundsView(filters, surveyOptions, shown.name(), chosen, "", "", config.getMinCellSize(),
                            List.of(), List.of(), "", message));
        }
        ManageFeedbackController.Formats f = new ManageFeedbackController.Formats(lang);
        RoundReports.Result result = rounds.report(shown, cycle);
        List<ManageViews.RoundRow> rows = new ArrayList<>();
        Map<String, ManageViews.StatementRounds> statements = new LinkedHashMap<>();
        Map<String, StringType> texts = ManageFeedbackController.statementTexts(catalog);
        int index = 0;
        for (RoundReports.RoundCell r : result.rounds()) {
            ManageViews.CellView cell = ManageFeedbackController.cell(f, r.cell(), lang);
            rows.add(new ManageViews.RoundRow(Integer.toString(r.round().number()),
                    Messages.get(lang, "manage.period", f.date(r.round().start()), f.date(r.round().end())),
                    Messages.get(lang, "manage.period", f.date(r.round().reportFrom()), f.date(r.round().reportTo())),
                    Messages.get(lang, "manage.rounds.state." + r.state()), cell,
                    r.npsChange() == null ? "" : signed(f, r.npsChange()), r.npsChange() == null ? "" : Double.toString(r.npsChange())));
            for (FeedbackReports.Statement s : r.cell().suppression() == null ? r.cell().statements() : List.<FeedbackReports.Statement>of()) {
                StringType text = texts.get(s.id());
                ManageViews.StatementRounds row = statements.computeIfAbsent(s.id(), id -> new ManageViews.StatementRounds(id,
                        text == null ? id : Languages.text(text, lang), text == null ? lang : Languages.languageOf(text, lang),
                        blanks(result.rounds().size()), blanks(result.rounds().size()), blanks(result.rounds().size())));
                row.means().set(index, s.mean() == null ? "" : f.number(s.mean()));
                row.rawMeans().set(index, s.mean() == null ? "" : Double.toString(s.mean()));
                row.ns().set(index, f.count(s.n()));
            }
            index++;
        }
        String cycleText = Messages.get(lang, "manage.rounds.cycle", PeriodWords.every(cycle.cycle(), lang),
                PeriodWords.during(cycle.window(), lang),
                f.date(cycle.firstStart()));
        String apiHref = UriBuilder.of("/analytics/units/" + shown.id() + "/rounds").queryParam("survey", cycle.survey())
                .queryParam("format", "csv").toString();
        return pages.render(request, HttpStatus.OK, "manage/rounds", page, new ManageViews.RoundsView(filters, surveyOptions,
                shown.name(), cycle.survey(), Messages.get(lang, "manage.audience." + cycle.audience()), cycleText,
                config.getMinCellSize(), rows, List.copyOf(statements.values()), apiHref, ""));
    }

    private static List<String> blanks(int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add("");
        }
        return list;
    }

    private static String signed(ManageFeedbackController.Formats f, double value) {
        return (value > 0 ? "+" : value < 0 ? "−" : "±") + f.number(Math.abs(value));
    }
}
