package fi.vointi.analytics;

import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports.Cell;
import fi.vointi.analytics.FeedbackReports.Report;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestBean;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Feedback analytics over HTTP (docs/analytics.md): a unit's (or subtree's) figures per period bucket,
 * comparison of its child units, open-text comments of large enough groups, and the visit-count import.
 * JSON by default; CSV with {@code Accept: text/csv} or {@code ?format=csv}. Errors are OperationOutcomes.
 */
@Controller("/analytics")
@Secured(SecurityRule.IS_ANONYMOUS) // AnalyticsAccess decides
@ExecuteOn(TaskExecutors.BLOCKING)
public class AnalyticsController {
    static final String CSV = "text/csv";
    /** CSV {@code suppression} of a shown cell some of whose answers are in withheld atomic cells. */
    static final String WITHHELD = "some-withheld";
    private final AnalyticsStore store;
    private final FeedbackReports reports;
    private final VisitImporter visits;
    private final AnalyticsConfig config;
    private final CallerResolver callers;
    private final JsonMapper json;
    private final SurveyCycles cycles;
    private final RoundReports rounds;

    public AnalyticsController(AnalyticsStore store, FeedbackReports reports, VisitImporter visits, AnalyticsConfig config,
                               CallerResolver callers, JsonMapper json, SurveyCycles cycles, RoundReports rounds) {
        this.store = store;
        this.reports = reports;
        this.visits = visits;
        this.config = config;
        this.callers = callers;
        this.json = json;
        this.cycles = cycles;
        this.rounds = rounds;
    }

    /** The path and query parameters of a report. */
    @Introspected
    public record ReportRequest(@PathVariable String unitId, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                @Nullable @QueryValue String granularity, @Nullable @QueryValue String audience,
                                @Nullable @QueryValue String format, HttpRequest<?> request) {
    }

    @Get(uri = "/units/{unitId}/feedback", produces = {MediaType.APPLICATION_JSON, CSV})
    @Transactional(readOnly = true)
    public HttpResponse<String> feedback(@RequestBean ReportRequest request) {
        return report(request, false);
    }

    @Get(uri = "/units/{unitId}/feedback/children", produces = {MediaType.APPLICATION_JSON, CSV})
    @Transactional(readOnly = true)
    public HttpResponse<String> children(@RequestBean ReportRequest request) {
        return report(request, true);
    }

    /** The query parameters of a report; any other is refused (a typo must not quietly give another report). */
    static final Set<String> REPORT_PARAMETERS = Set.of("from", "to", "granularity", "audience", "format");
    static final Set<String> OPEN_TEXT_PARAMETERS = Set.of("from", "to", "audience");

    private HttpResponse<String> report(ReportRequest request, boolean children) {
        Unit unit = permittedUnit(request.unitId(), request.request());
        refuseUnknownParameters(request.request(), REPORT_PARAMETERS);
        Query query = Query.parse(request.from(), request.to(), request.granularity(), request.audience());
        checkFormat(request.format());
        List<Report> shown = children ? reports.childReports(unit, query.period(), query.audiences())
                : List.of(reports.report(unit, query.period(), query.audiences()));
        return render(unit, query, shown, children ? "children" : "unit", request.request(), request.format());
    }

    static final Set<String> ROUNDS_PARAMETERS = Set.of("survey", "format");

    /**
     * The rounds of a recurring survey ({@code vointi.analytics.cycles.<survey>}) for the unit's subtree, each round's
     * figures over the whole calendar months its window touches (docs/analytics.md, "Recurring surveys").
     */
    @Get(uri = "/units/{unitId}/rounds", produces = {MediaType.APPLICATION_JSON, CSV})
    @Transactional(readOnly = true)
    public HttpResponse<String> rounds(@PathVariable String unitId, @Nullable @QueryValue String survey,
                                       @Nullable @QueryValue String format, HttpRequest<?> request) {
        Unit unit = permittedUnit(unitId, request);
        refuseUnknownParameters(request, ROUNDS_PARAMETERS);
        checkFormat(format);
        SurveyCycle cycle = cycle(survey, unit);
        RoundReports.Result result = rounds.report(unit, cycle);
        boolean csv = "csv".equals(format) || format == null && request.getHeaders().accept().stream()
                .anyMatch(m -> CSV.equals(m.getName()));
        if (csv) {
            return HttpResponse.ok(roundsCsv(unit, result)).contentType(MediaType.of(CSV + ";charset=UTF-8"))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"rounds-" + cycle.survey() + "-" + unit.id() + ".csv\"");
        }
        return HttpResponse.ok(write(roundsJson(unit, result, config.getMinCellSize()))).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** The cycle asked for, when it runs in this unit (or above it); otherwise 400 naming the configured ones. */
    public SurveyCycle cycle(@Nullable String survey, Unit unit) {
        String known = String.join(", ", cycles.all().stream().map(SurveyCycle::survey).toList());
        if (survey == null || survey.isBlank()) {
            throw FhirException.badRequest("Parameter 'survey' is required: the name of a recurring survey ("
                    + (known.isEmpty() ? "none is configured" : known) + ")");
        }
        SurveyCycle cycle = cycles.get(survey).orElseThrow(() -> FhirException.badRequest("Unknown survey '" + survey
                + "': " + (known.isEmpty() ? "no recurring survey is configured" : "configured are " + known)));
        if (!cycle.covers(store.ancestors(unit.id()))) {
            throw FhirException.badRequest("The survey '" + survey + "' is not run in " + unit.id() + " or any unit above it");
        }
        return cycle;
    }

    static Map<String, Object> roundsJson(Unit unit, RoundReports.Result result, int minCellSize) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unit", unitJson(unit));
        body.put("survey", result.cycle().survey());
        body.put("audience", result.cycle().audience());
        body.put("cycle", result.cycle().cycle().toString());
        body.put("window", result.cycle().window().toString());
        body.put("firstStart", result.cycle().firstStart().toString());
        body.put("minCellSize", minCellSize);
        body.put("npsInterval", "95 % Wald interval for a difference of multinomial proportions");
        body.put("earlierRoundsLeftOut", result.earlierLeftOut());
        List<Object> list = new ArrayList<>();
        for (RoundReports.RoundCell r : result.rounds()) {
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("round", r.round().number());
            round.put("state", r.state());
            round.put("windowStart", r.round().start().toString());
            round.put("windowEnd", r.round().end().toString());
            // the figures cover whole calendar months (the atomic cells of suppression): say when that is more than the window
            round.put("widened", r.round().widened());
            round.putAll(cellJson(r.cell()));
            if (r.npsChange() != null) {
                round.put("npsChange", r.npsChange());
            }
            list.add(round);
        }
        body.put("rounds", list);
        return body;
    }

    private static String roundsCsv(Unit unit, RoundReports.Result result) {
        Set<String> statementIds = new TreeSet<>();
        result.rounds().forEach(r -> r.cell().statements().forEach(s -> statementIds.add(s.id())));
        List<String> header = new ArrayList<>(List.of("unit_id", "unit_name", "survey", "audience", "round", "state",
                "window_start", "window_end", "from", "to", "suppression", "responses", "nps_n", "promoters", "passives",
                "detractors", "nps", "nps_ci95_lower", "nps_ci95_upper", "nps_change"));
        header.addAll(statementHeader(statementIds));
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (RoundReports.RoundCell r : result.rounds()) {
                Cell cell = r.cell();
                boolean shown = cell.suppression() == null;
                FeedbackReports.Nps nps = cell.nps();
                List<Object> row = new ArrayList<>(List.of(unit.id(), unit.name(), result.cycle().survey(), result.cycle().audience(),
                        r.round().number(), r.state(), r.round().start().toString(), r.round().end().toString(),
                        cell.from().toString(), cell.to().toString(), shown ? (cell.withheld() ? WITHHELD : "") : cell.suppression(),
                        shown ? cell.responses() : ""));
                row.addAll(nps == null ? List.of("", "", "", "", "", "", "")
                        : List.of(nps.n(), nps.promoters(), nps.passives(), nps.detractors(), nps.score(), nps.lower(), nps.upper()));
                row.add(r.npsChange() == null ? "" : r.npsChange());
                addStatements(row, statementIds, cell);
                printer.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static List<String> statementHeader(Set<String> statementIds) {
        List<String> header = new ArrayList<>();
        for (String id : statementIds) {
            for (String suffix : List.of("n", "mean", "agree_pct", "1", "2", "3", "4", "5", "cant_say")) {
                header.add(id + ":" + suffix);
            }
        }
        return header;
    }

    private static void addStatements(List<Object> row, Set<String> statementIds, Cell cell) {
        for (String id : statementIds) {
            FeedbackReports.Statement s = cell.statements().stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
            if (s == null) {
                for (int i = 0; i < 9; i++) {
                    row.add("");
                }
            } else {
                row.add(s.n());
                row.add(s.mean() == null ? "" : s.mean());
                row.add(s.agreePercent() == null ? "" : s.agreePercent());
                for (long count : s.distribution()) {
                    row.add(count);
                }
                row.add(s.cantSay());
            }
        }
    }

    @Get(uri = "/units/{unitId}/feedback/open-text", produces = MediaType.APPLICATION_JSON)
    @Transactional(readOnly = true)
    public HttpResponse<String> openText(@PathVariable String unitId, @Nullable @QueryValue String from,
                                         @Nullable @QueryValue String to, @Nullable @QueryValue String audience,
                                         HttpRequest<?> request) {
        Unit unit = permittedUnit(unitId, request);
        refuseUnknownParameters(request, OPEN_TEXT_PARAMETERS);
        // the group: the unit set and the period widened to whole months (so that periods one day apart
        // cannot be compared to date a single comment)
        Query query = Query.parse(from, to, "month", audience);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unit", unitJson(unit));
        body.put("audience", query.audienceCode());
        body.put("from", query.period().from().toString());
        body.put("to", query.period().to().toString());
        body.put("minAnswers", config.getOpenTextMinAnswers());
        // every atomic cell (unit × month × audience) of the group published and of at least the threshold: any
        // difference of two groups (March-April minus March, customer minus adult, a service minus a unit) is then
        // a union of whole atomic cells of at least that many answers
        boolean offered = reports.openTextOffered(unit, query.period(), query.audiences(), config.getOpenTextMinAnswers());
        body.put("available", offered);
        if (offered) {
            List<String> comments = store.openTexts(unit.id(), query.period().from(), query.period().to(), query.audiences());
            body.put("responses", reports.report(unit, query.period(), query.audiences()).total().responses());
            body.put("comments", comments);
        } else {
            body.put("reason", "Open-text comments are shown only when every unit, month and audience of the group"
                    + " has 0 or at least " + Math.max(config.getOpenTextMinAnswers(), config.getMinCellSize()) + " answers");
        }
        return HttpResponse.ok(write(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Post(uri = "/visits", consumes = {CSV, MediaType.TEXT_PLAIN}, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> importVisits(@Nullable @Body String csv, HttpRequest<?> request) {
        AuditContext.of(request).operation("visit-import");
        CallerResolver.enforce(AnalyticsAccess.importVisits(callers.resolve(request)));
        int imported = visits.importCsv(csv);
        return HttpResponse.ok(write(Map.of("imported", imported))).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static void refuseUnknownParameters(HttpRequest<?> request, Set<String> supported) {
        for (String name : request.getParameters().names()) {
            if (!supported.contains(name)) {
                throw FhirException.notSupported("Unknown parameter '" + name + "'; this report takes "
                        + String.join(", ", new TreeSet<>(supported)));
            }
            if (request.getParameters().getAll(name).size() > 1) {
                throw FhirException.badRequest("Parameter '" + name + "' may appear only once");
            }
        }
    }

    private Unit permittedUnit(String unitId, HttpRequest<?> request) {
        AuditContext.of(request).operation(request.getPath().endsWith("/open-text") ? "analytics-open-text" : "analytics-report")
                .entity("Organization/" + unitId);
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AnalyticsAccess.readAny(caller));
        Unit unit = store.unit(unitId).orElseThrow(() -> FhirException.notFound("Organization/" + unitId + " is not a known unit"));
        CallerResolver.enforce(AnalyticsAccess.readUnit(caller, store.ancestors(unitId)));
        return unit;
    }

    /** The parsed query parameters of a report (also the manager's dashboard, fi.vointi.web.manage: the same rules). */
    public record Query(LocalDate from, LocalDate to, ReportPeriod period, String audienceCode, Set<String> audiences) {
        public static Query parse(String from, String to, String granularity, String audience) {
            LocalDate start = date("from", from);
            LocalDate end = date("to", to);
            Granularity g = Granularity.parse(granularity == null ? "month" : granularity).orElseThrow(() ->
                    FhirException.badRequest("Unknown granularity '" + granularity + "': use month, quarter or year"));
            if (g.compareTo(Granularity.MONTH) < 0) {
                throw FhirException.badRequest("Granularity '" + g.code() + "' is not offered: figures are published only"
                        + " for whole calendar months (small-cell suppression works on unit, month and audience);"
                        + " use month, quarter or year");
            }
            String audienceCode = audience == null ? "customer" : audience;
            Set<String> audiences = switch (audienceCode) {
                case "customer" -> new TreeSet<>(FeedbackSurvey.CUSTOMER_AUDIENCES);
                case "adult", "child", "relative", "staff" -> Set.of(audienceCode);
                default -> throw FhirException.badRequest("Unknown audience '" + audience
                        + "': use customer (adult, child and relative together; the default), adult, child, relative or staff");
            };
            try {
                return new Query(start, end, ReportPeriod.of(start, end, g), audienceCode, audiences);
            } catch (IllegalArgumentException e) {
                throw FhirException.badRequest(e.getMessage());
            }
        }

        private static LocalDate date(String name, String value) {
            if (value == null || value.isBlank()) {
                throw FhirException.badRequest("Parameter '" + name + "' is required: a date such as 2026-03-01");
            }
            try {
                LocalDate date = LocalDate.parse(value);
                if (date.getYear() < 2000 || date.getYear() > 2100) {
                    throw FhirException.badRequest("Parameter '" + name + "' must be a date between 2000 and 2100");
                }
                return date;
            } catch (DateTimeParseException e) {
                throw FhirException.badRequest("Parameter '" + name + "' must be a date such as 2026-03-01, was '" + value + "'");
            }
        }
    }

    private HttpResponse<String> render(Unit unit, Query query, List<Report> reports, String kind, HttpRequest<?> request,
                                        String format) {
        boolean csv = "csv".equals(format) || format == null && request.getHeaders().accept().stream()
                .anyMatch(m -> CSV.equals(m.getName()));
        if (csv) {
            return HttpResponse.ok(csv(query, reports)).contentType(MediaType.of(CSV + ";charset=UTF-8"))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"feedback-" + unit.id() + ".csv\"");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unit", unitJson(unit));
        body.put("audience", query.audienceCode());
        body.put("granularity", query.period().granularity().code());
        body.put("from", query.period().from().toString());
        body.put("to", query.period().to().toString());
        // the period covers whole months (whole quarters or years for those granularities): say when it was widened
        body.put("widened", !query.period().from().equals(query.from()) || !query.period().to().equals(query.to()));
        body.put("minCellSize", config.getMinCellSize());
        body.put("npsInterval", "95 % Wald interval for a difference of multinomial proportions");
        if (kind.equals("unit")) {
            Report report = reports.get(0);
            body.put("total", cellJson(report.total()));
            body.put("series", report.series().stream().map(AnalyticsController::cellJson).toList());
        } else {
            List<Object> children = new ArrayList<>();
            for (Report report : reports) {
                Map<String, Object> child = new LinkedHashMap<>();
                child.put("unit", unitJson(report.unit()));
                child.put("total", cellJson(report.total()));
                child.put("series", report.series().stream().map(AnalyticsController::cellJson).toList());
                children.add(child);
            }
            body.put("children", children);
        }
        return HttpResponse.ok(write(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static void checkFormat(String format) {
        if (format != null && !"csv".equals(format) && !"json".equals(format)) {
            throw FhirException.badRequest("Unknown format '" + format + "': use json or csv");
        }
    }

    static Map<String, Object> unitJson(Unit unit) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", unit.id());
        map.put("name", unit.name());
        map.put("kind", unit.kind());
        return map;
    }

    static Map<String, Object> cellJson(Cell cell) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("period", cell.label());
        map.put("from", cell.from().toString());
        map.put("to", cell.to().toString());
        map.put("suppressed", cell.suppression() != null);
        map.put("withheld", cell.withheld());
        if (cell.suppression() != null) {
            map.put("suppression", cell.suppression());
            return map;
        }
        map.put("responses", cell.responses());
        if (cell.nps() != null) {
            Map<String, Object> nps = new LinkedHashMap<>();
            nps.put("n", cell.nps().n());
            nps.put("promoters", cell.nps().promoters());
            nps.put("passives", cell.nps().passives());
            nps.put("detractors", cell.nps().detractors());
            nps.put("score", cell.nps().score());
            nps.put("ci95", Map.of("lower", cell.nps().lower(), "upper", cell.nps().upper()));
            map.put("nps", nps);
        }
        List<Object> statements = new ArrayList<>();
        for (FeedbackReports.Statement s : cell.statements()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("id", s.id());
            st.put("n", s.n());
            if (s.mean() != null) { // left out when every answer was "can't say"
                st.put("mean", s.mean());
            }
            Map<String, Long> distribution = new LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                distribution.put(Integer.toString(i + 1), s.distribution()[i]);
            }
            st.put("distribution", distribution);
            if (s.agreePercent() != null) {
                st.put("agreePercent", s.agreePercent());
            }
            st.put("cantSay", s.cantSay());
            statements.add(st);
        }
        map.put("statements", statements);
        if (cell.visits() != null) {
            map.put("visits", cell.visits());
            map.put("responseRate", cell.responseRate());
        }
        if (cell.invitations() != null) {
            map.put("invitations", cell.invitations());
            if (cell.invitationRate() != null) {
                map.put("invitationRate", cell.invitationRate());
            }
        }
        return map;
    }

    private static String csv(Query query, List<Report> reports) {
        Set<String> statementIds = new TreeSet<>();
        reports.forEach(r -> {
            r.series().forEach(c -> c.statements().forEach(s -> statementIds.add(s.id())));
            r.total().statements().forEach(s -> statementIds.add(s.id()));
        });
        List<String> header = new ArrayList<>(List.of("unit_id", "unit_name", "audience", "period", "from", "to",
                "suppression", "responses", "nps_n", "promoters", "passives", "detractors", "nps", "nps_ci95_lower",
                "nps_ci95_upper", "visits", "response_rate_pct", "invitations", "invitation_rate_pct"));
        header.addAll(statementHeader(statementIds));
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (Report report : reports) {
                List<Cell> cells = new ArrayList<>(report.series());
                cells.add(report.total());
                for (Cell cell : cells) {
                    List<Object> row = new ArrayList<>(List.of(report.unit().id(), report.unit().name(), query.audienceCode(),
                            cell.label(), cell.from().toString(), cell.to().toString()));
                    boolean shown = cell.suppression() == null;
                    FeedbackReports.Nps nps = cell.nps();
                    row.add(shown ? (cell.withheld() ? WITHHELD : "") : cell.suppression());
                    row.add(shown ? cell.responses() : "");
                    row.addAll(nps == null ? List.of("", "", "", "", "", "", "")
                            : List.of(nps.n(), nps.promoters(), nps.passives(), nps.detractors(), nps.score(), nps.lower(), nps.upper()));
                    row.add(cell.visits() == null ? "" : cell.visits());
                    row.add(cell.responseRate() == null ? "" : cell.responseRate());
                    row.add(cell.invitations() == null ? "" : cell.invitations());
                    row.add(cell.invitationRate() == null ? "" : cell.invitationRate());
                    addStatements(row, statementIds, cell);
                    printer.printRecord(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
