package fi.vointi.feedback;

import fi.vointi.web.FormFields;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /app/usability}: the anonymous usability check's form ({@link UsabilityCheck}). It names no response and
 * no person: the form carries only the unit, the page language, where to return and the single-use submission id.
 * Rate-limited per address like every anonymous answer. The audit trail records it without agent or address
 * (AuditFilter).
 */
@Controller("/app/usability")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class UsabilityController {
    /** Only back to a results page of ours: never an open redirect. */
    private static final Pattern RETURN = Pattern.compile("^/app/results/[A-Za-z0-9\\-.]{1,64}$");
    private final UsabilityCheck check;
    private final RateLimiter rateLimiter;
    private final ClientAddresses addresses;
    private final HtmlPages pages;

    UsabilityController(UsabilityCheck check, RateLimiter rateLimiter, ClientAddresses addresses, HtmlPages pages) {
        this.check = check;
        this.rateLimiter = rateLimiter;
        this.addresses = addresses;
        this.pages = pages;
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> answer(@Body Map<String, Object> form, HttpRequest<?> request) {
        AuditContext.of(request).operation("feedback-answer");
        Map<String, String> values = FormFields.firstValues(form);
        String lang = Languages.choose(values.get("lang"), request.getHeaders().get("Accept-Language"));
        String back = values.getOrDefault("return", "");
        if (!RETURN.matcher(back).matches()) {
            back = "/app/results";
        }
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (String linkId : UsabilityCheck.QUESTIONS) {
            String given = values.get("item:" + linkId);
            if (given == null || given.isBlank()) {
                continue;
            }
            try {
                int value = Integer.parseInt(given.trim());
                if (value < 1 || value > 7) {
                    throw new NumberFormatException();
                }
                answers.put(linkId, value);
            } catch (NumberFormatException e) {
                return problem(request, lang, HttpStatus.UNPROCESSABLE_ENTITY, "app.results.usability.invalid", back);
            }
        }
        String unit = values.get("unit");
        boolean skipped = answers.isEmpty() || values.containsKey("skip");
        if (!skipped) {
            Optional<Duration> wait = rateLimiter.acquire(addresses.of(request));
            if (wait.isPresent()) {
                return problem(request, lang, HttpStatus.TOO_MANY_REQUESTS, "error.429.text", back)
                        .header("Retry-After", Long.toString(RateLimiter.retryAfterSeconds(wait.get())));
            }
            try {
                check.store(answers, unit == null || unit.isBlank() ? null : unit, values.get("submission"));
            } catch (FhirException e) {
                return problem(request, lang, HttpStatus.valueOf(e.status().getCode()), "app.results.usability.notSaved", back);
            }
        }
        String next = UriBuilder.of(back).queryParam("lang", lang).queryParam("usability", skipped ? "skipped" : "thanks").toString();
        return HttpResponse.<String>seeOther(URI.create(next)).header("Cache-Control", "no-store");
    }

    private io.micronaut.http.MutableHttpResponse<String> problem(HttpRequest<?> request, String lang, HttpStatus status,
                                                                  String key, String back) {
        Page page = Page.of(request, lang, Messages.get(lang, "app.results.problem"));
        return pages.message(request, status, page, new HtmlPages.MessageView(page.title(), Messages.get(lang, key), back,
                Messages.get(lang, "app.results.back"), null, true));
    }
}
