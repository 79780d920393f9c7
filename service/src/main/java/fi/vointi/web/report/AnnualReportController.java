package fi.vointi.web.report;

import fi.vointi.analytics.AnalyticsAccess;
import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Page;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/**
 * The annual customer-experience report ("Asiakkuuskertomus") of a county, service area, service or unit for a
 * calendar year: a printable page {@code /manage/report/{nodeId}/{year}} and the same as a tagged PDF
 * {@code …/report.pdf} (or {@code ?format=pdf}). Who may open it is decided by {@link AnalyticsAccess}, the rule of
 * the analytics API: administrators every node, unit managers their own units and everything under them. A person
 * without a session is sent to sign in; a refusal is the 403 page.
 */
@Controller("/manage/report")
@Secured(SecurityRule.IS_ANONYMOUS) // AnalyticsAccess decides, in code
@ExecuteOn(TaskExecutors.BLOCKING)
public class AnnualReportController {
    static final MediaType PDF = MediaType.of("application/pdf");
    private final CallerResolver callers;
    private final AnnualReports reports;
    private final ReportPdf pdf;
    private final HtmlPages pages;
    private final Clock clock;

    public AnnualReportController(CallerResolver callers, AnnualReports reports, ReportPdf pdf,
                                  HtmlPages pages, Clock clock) {
        this.callers = callers;
        this.reports = reports;
        this.pdf = pdf;
        this.pages = pages;
        this.clock = clock;
    }

    @Get(uri = "/{nodeId}/{year}", produces = {"text/html", "application/pdf"})
    public HttpResponse<?> report(@PathVariable String nodeId, @PathVariable String year, @Nullable @QueryValue String format,
                                  HttpRequest<?> request) {
        if (format != null && !format.equals("html") && !format.equals("pdf")) {
            throw FhirException.badRequest("Unknown format '" + format + "': use html or pdf");
        }
        return answer(nodeId, year, "pdf".equals(format), request);
    }

    @Get(uri = "/{nodeId}/{year}/report.pdf", produces = "application/pdf")
    public HttpResponse<?> reportPdf(@PathVariable String nodeId, @PathVariable String year, HttpRequest<?> request) {
        return answer(nodeId, year, true, request);
    }

    private HttpResponse<?> answer(String nodeId, String yearText, boolean asPdf, HttpRequest<?> request) {
        AuditContext.of(request).operation("analytics-report").entity("Organization/" + nodeId);
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return signIn(request);
        }
        CallerResolver.enforce(AnalyticsAccess.readAny(caller));
        int year = year(yearText);
        Unit node = reports.permittedNode(caller, nodeId);

        String lang = Languages.of(request);
        AnnualReport report = reports.build(node, year, lang);
        String base = "/manage/report/" + encode(nodeId) + "/" + year;
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneId.of("Europe/Helsinki"));
        String generated = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(Locale.forLanguageTag(lang)).format(now);
        String title = ReportView.text(lang, "report.title", year) + " – " + node.name();
        ReportView view = new ReportView(report, lang, title, base + "?lang=" + lang, base + "/report.pdf?lang=" + lang,
                generated, asPdf);
        if (asPdf) {
            MutableHttpResponse<byte[]> response = HttpResponse.ok(pdf.render(view, request)).contentType(PDF)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + fileName(lang, nodeId, year) + "\"")
                    .header(HttpHeaders.CACHE_CONTROL, "no-store");
            return response;
        }
        return pages.render(request, HttpStatus.OK, "report/page", Page.of(request, lang, title), view);
    }

    private static int year(String text) {
        try {
            int year = Integer.parseInt(text);
            if (year >= 2000 && year <= 2100) {
                return year;
            }
        } catch (NumberFormatException e) {
            // not a year: the same answer as any unknown address
        }
        throw FhirException.notFound("A report is made for a year between 2000 and 2100, such as /manage/report/{unit}/2026");
    }

    private static String fileName(String lang, String nodeId, int year) {
        String word = switch (lang) {
            case "sv" -> "kundupplevelserapport";
            case "en" -> "customer-experience-report";
            default -> "asiakkuuskertomus";
        };
        return word + "-" + nodeId.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + year + ".pdf";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A person without a session signs in first and comes back to this report. */
    private static MutableHttpResponse<String> signIn(HttpRequest<?> request) {
        String here = request.getUri().getRawPath() + (request.getUri().getRawQuery() == null ? "" : "?" + request.getUri().getRawQuery());
        return HttpResponse.<String>seeOther(URI.create("/signin?return=" + URLEncoder.encode(here, StandardCharsets.UTF_8)))
                .header("Cache-Control", "no-store");
    }
}
