package fi.vointi.web.manage;

import fi.vointi.audit.AuditContext;
import fi.vointi.messaging.OutboxOverview;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;

/**
 * The messaging operator view (docs/messaging.md, "Operator view"): {@code /manage/messaging} shows the outbox queue by
 * state and its lag, the recent failures (no address, no text) and delivery per channel and day, for administrators
 * ({@link AccessPolicy#operateMessaging}). The same queue figures are gauges on the management port ({@code OutboxMetrics}).
 */
@Controller("/manage")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy decides: anonymous browsers are sent to sign in
@ExecuteOn(TaskExecutors.BLOCKING)
public class ManageMessagingController {
    private final CallerResolver callers;
    private final OutboxOverview overview;
    private final HtmlPages pages;
    private final Clock clock;

    public ManageMessagingController(CallerResolver callers, OutboxOverview overview, HtmlPages pages, Clock clock) {
        this.callers = callers;
        this.overview = overview;
        this.pages = pages;
        this.clock = clock;
    }

    @Get(uri = "/messaging", produces = "text/html")
    public HttpResponse<String> messaging(HttpRequest<?> request) {
        String lang = Languages.of(request);
        AuditContext.of(request).operation("messaging-operations");
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return ManagedUnits.signIn(request);
        }
        if (AccessPolicy.operateMessaging(caller).isPresent()) {
            Page page = Page.of(request, lang, Messages.get(lang, "manage.messaging.refused.title"));
            return pages.message(request, HttpStatus.FORBIDDEN, page, new HtmlPages.MessageView(page.title(),
                    Messages.get(lang, "manage.messaging.refused.text"), "/", Messages.get(lang, "manage.messaging.refused.back"), null, true));
        }
        Instant now = clock.instant();
        ManageFeedbackController.Formats f = new ManageFeedbackController.Formats(lang);
        OutboxOverview.Queue q = overview.queue(now);
        DateTimeFormatter times = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withLocale(Locale.forLanguageTag(lang))
                .withZone(OutboxOverview.ZONE);
        List<ManageViews.FailureRow> failures = overview.recentFailures(OutboxOverview.FAILURES).stream().map(x ->
                new ManageViews.FailureRow(x.id(), channel(lang, x.channel()), x.purpose(), f.count(x.attempts()),
                        x.failedAt() == null ? "" : times.format(x.failedAt()), x.error() == null ? "" : x.error())).toList();
        LocalDate today = LocalDate.now(clock.withZone(OutboxOverview.ZONE));
        List<ManageViews.DeliveryRow> days = overview.perChannelAndDay(today, OutboxOverview.DAYS).stream().map(d ->
                new ManageViews.DeliveryRow(f.date(d.day()), d.day().toString(), channel(lang, d.channel()), d.channel(),
                        f.count(d.created()), f.count(d.waiting()), f.count(d.sent()), f.count(d.delivered()), f.count(d.failed()),
                        f.count(d.cancelled()), percent(f, d.acceptedPercent()), percent(f, d.deliveredPercent()),
                        d.acceptedPercent() == null ? "" : Double.toString(round(d.acceptedPercent())))).toList();
        ManageViews.MessagingView view = new ManageViews.MessagingView(f.count(q.queued()), f.count(q.held()),
                f.count(q.retrying()), f.count(q.sent()), f.count(q.delivered()), f.count(q.failed()), f.count(q.cancelled()),
                lag(lang, q.lag()), Long.toString(q.lag().toSeconds()), failures, days, OutboxOverview.DAYS);
        Page page = Page.of(request, lang, Messages.get(lang, "manage.messaging.title"));
        return pages.render(request, HttpStatus.OK, "manage/messaging", page, view)
                .header("Cache-Control", "no-store");
    }

    private static String channel(String lang, String code) {
        return "sms".equals(code) || "email".equals(code) ? Messages.get(lang, "manage.messaging.channel." + code) : code;
    }

    private static String percent(ManageFeedbackController.Formats f, @Nullable Double value) {
        return value == null ? "" : f.number(round(value));
    }

    private static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }

    /** The lag in the page language: seconds, minutes or hours and minutes. */
    static String lag(String lang, Duration lag) {
        long seconds = lag.toSeconds();
        if (seconds < 120) {
            return Messages.get(lang, "manage.messaging.lag.seconds", seconds);
        }
        if (seconds < 7200) {
            return Messages.get(lang, "manage.messaging.lag.minutes", seconds / 60);
        }
        return Messages.get(lang, "manage.messaging.lag.hours", seconds / 3600, (seconds % 3600) / 60);
    }
}
