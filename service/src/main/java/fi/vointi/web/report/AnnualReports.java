package fi.vointi.web.report;

import fi.vointi.analytics.AnalyticsAccess;
import fi.vointi.analytics.AnalyticsConfig;
import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports;
import fi.vointi.analytics.FeedbackReports.Cell;
import fi.vointi.analytics.FeedbackReports.Report;
import fi.vointi.analytics.FeedbackReports.Statement;
import fi.vointi.analytics.FeedbackSurvey;
import fi.vointi.analytics.Granularity;
import fi.vointi.analytics.ReportPeriod;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.feedback.FeedbackSurveys;
import fi.vointi.fhir.FhirException;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.web.Languages;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Questionnaire;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Assembles an {@link AnnualReport} from {@link FeedbackReports}, the very code behind the analytics API: the node's
 * monthly report of the year (its total is the year), the same for the year before, and for every unit of the
 * subtree the figures its parent's {@code /children} report gives. Audience {@code customer} (adult, child and
 * relative; staff eNPS is never mixed in). Nothing is recounted here, so every figure is suppressed exactly as the
 * API suppresses it.
 */
@Singleton
public class AnnualReports {
    private static final List<String> STATEMENT_TEXT_ORDER = List.of("adult", "relative", "child");
    private final AnalyticsStore store;
    private final FeedbackReports reports;
    private final AnalyticsConfig config;
    private final QuestionnaireCatalog catalog;

    public AnnualReports(AnalyticsStore store, FeedbackReports reports, AnalyticsConfig config, QuestionnaireCatalog catalog) {
        this.store = store;
        this.reports = reports;
        this.config = config;
        this.catalog = catalog;
    }

    /** The period the report of {@code year} covers: the calendar year in months, as the API's monthly report. */
    public static ReportPeriod period(int year) {
        return ReportPeriod.of(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31), Granularity.MONTH);
    }

    /**
     * The node of a report when the caller may read its analytics: the analytics API's rule ({@link AnalyticsAccess}),
     * an unknown node 404 and a node outside the caller's subtrees 403, as {@code /analytics/units/{id}} answers.
     */
    @Transactional(readOnly = true)
    public Unit permittedNode(Caller caller, String nodeId) {
        CallerResolver.enforce(AnalyticsAccess.readAny(caller));
        Unit node = store.unit(nodeId).orElseThrow(() -> FhirException.notFound("Organization/" + nodeId + " is not a known unit"));
        CallerResolver.enforce(AnalyticsAccess.readUnit(caller, store.ancestors(nodeId)));
        return node;
    }

    @Transactional(readOnly = true)
    public AnnualReport build(Unit node, int year, String lang) {
        Set<String> audiences = new TreeSet<>(FeedbackSurvey.CUSTOMER_AUDIENCES);
        ReportPeriod thisPeriod = period(year);
        ReportPeriod lastPeriod = period(year - 1);
        Report thisReport = reports.report(node, thisPeriod, audiences);
        Report lastReport = reports.report(node, lastPeriod, audiences);

        // every unit's figures from its parent's children report, as GET …/feedback/children answers them
        Map<String, Unit> tree = store.subtree(node.id());
        Map<String, Cell> thisYear = new HashMap<>();
        Map<String, Cell> lastYear = new HashMap<>();
        thisYear.put(node.id(), thisReport.total());
        lastYear.put(node.id(), lastReport.total());
        Map<String, List<Unit>> children = new LinkedHashMap<>();
        for (Unit unit : tree.values()) {
            if (unit.parentId() != null && tree.containsKey(unit.parentId()) && !unit.id().equals(node.id())) {
                children.computeIfAbsent(unit.parentId(), p -> new ArrayList<>()).add(unit);
            }
        }
        for (String parent : children.keySet()) {
            Unit parentUnit = tree.get(parent);
            reports.childReports(parentUnit, thisPeriod, audiences).forEach(r -> thisYear.put(r.unit().id(), r.total()));
            reports.childReports(parentUnit, lastPeriod, audiences).forEach(r -> lastYear.put(r.unit().id(), r.total()));
        }
        List<AnnualReport.UnitRow> rows = new ArrayList<>();
        addRows(node, 0, children, thisYear, lastYear, rows);

        List<AnnualReport.ChannelRow> channels = AnnualReport.channelRows(
                reports.publishedChannels(node, thisPeriod, audiences), reports.publishedChannels(node, lastPeriod, audiences));
        return new AnnualReport(node, year, thisReport.total(), lastReport.total(), thisReport.series(), rows, channels,
                statements(thisReport.total(), lastReport.total(), lang), config.getMinCellSize());
    }

    private static void addRows(Unit unit, int depth, Map<String, List<Unit>> children, Map<String, Cell> thisYear,
                                Map<String, Cell> lastYear, List<AnnualReport.UnitRow> rows) {
        rows.add(new AnnualReport.UnitRow(unit, depth, thisYear.get(unit.id()), lastYear.get(unit.id())));
        for (Unit child : children.getOrDefault(unit.id(), List.of())) {
            addRows(child, depth + 1, children, thisYear, lastYear, rows);
        }
    }

    private List<AnnualReport.StatementRow> statements(Cell thisYear, Cell lastYear, String lang) {
        Map<String, Statement> now = byId(thisYear);
        Map<String, Statement> before = byId(lastYear);
        TreeSet<String> ids = new TreeSet<>(now.keySet());
        ids.addAll(before.keySet());
        List<AnnualReport.StatementRow> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(new AnnualReport.StatementRow(id, statementText(id, lang).orElse(id), now.get(id), before.get(id)));
        }
        return rows;
    }

    private static Map<String, Statement> byId(Cell cell) {
        Map<String, Statement> map = new HashMap<>();
        if (cell.statements() != null) {
            cell.statements().forEach(s -> map.put(s.id(), s));
        }
        return map;
    }

    /** A statement's wording (its linkId's item text) from the customer surveys, the adults' survey first. */
    private Optional<String> statementText(String linkId, String lang) {
        return catalog.all().stream()
                .filter(q -> FeedbackSurveys.audienceOf(q).filter(STATEMENT_TEXT_ORDER::contains).isPresent())
                .sorted(Comparator.comparing((Questionnaire q) -> STATEMENT_TEXT_ORDER.indexOf(FeedbackSurveys.audienceOf(q).orElseThrow()))
                        .thenComparing(Questionnaire::getUrl))
                .map(q -> find(q.getItem(), linkId))
                .flatMap(Optional::stream)
                .map(item -> Languages.text(item.getTextElement(), lang))
                .filter(text -> !text.isBlank())
                .findFirst();
    }

    private static Optional<Questionnaire.QuestionnaireItemComponent> find(List<Questionnaire.QuestionnaireItemComponent> items,
                                                                          String linkId) {
        for (Questionnaire.QuestionnaireItemComponent item : items) {
            if (linkId.equals(item.getLinkId())) {
                return Optional.of(item);
            }
            Optional<Questionnaire.QuestionnaireItemComponent> inner = find(item.getItem(), linkId);
            if (inner.isPresent()) {
                return inner;
            }
        }
        return Optional.empty();
    }
}
