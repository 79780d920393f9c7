package fi.vointi.feedback;

import io.micronaut.http.HttpHeaders;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /p/{token}}: the short SMS / e-mail link. It sends the browser on to the unit's feedback form with the
 * token, which checks it again and says in the person's language when the link has expired or been used. The token
 * names no unit, so an unknown one gets a small page of its own.
 */
@Controller("/p")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class ShortLinkController {
    private final ChannelTokens tokens;

    private final HtmlPages pages;

    public ShortLinkController(ChannelTokens tokens, HtmlPages pages) {
        this.tokens = tokens;
        this.pages = pages;
    }

    @Get(uri = "/{token}", produces = "text/html") // a browser opening an SMS link; curl's */* matches too
    public HttpResponse<String> open(@PathVariable String token, HttpRequest<?> request) {
        Optional<ChannelTokens.ChannelToken> link = tokens.find(token);
        if (link.isEmpty()) {
            // a never-issued token names no unit: the page says so in the person's language
            String lang = Languages.of(request);
            String heading = Messages.get(lang, "feedback.problem");
            return pages.message(request, HttpStatus.NOT_FOUND, Page.of(request, lang, heading).withHere("/"),
                    new HtmlPages.MessageView(heading, Messages.get(lang, "feedback.invalid"), null, null, null, true));
        }
        // relative: the browser stays on the host it came to; a found token is base64url, safe in a query as is
        String form = "/feedback/" + URLEncoder.encode(link.get().unitId(), StandardCharsets.UTF_8) + "?token=" + token;
        return HttpResponse.<String>status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, form)
                // the token is a one-time secret: no cache keeps the redirect, no other site sees it in a Referer
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Referrer-Policy", "same-origin");
    }
}
