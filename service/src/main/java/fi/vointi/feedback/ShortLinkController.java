package fi.vointi.feedback;

import io.micronaut.http.HttpHeaders;
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
    static final String NOT_VALID_PAGE = "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Vointi</title></head><body>"
            + "<p>Tämä palautelinkki ei ole kelvollinen.</p>"
            + "<p lang=\"sv\">Den här responslänken är inte giltig.</p>"
            + "<p lang=\"en\">This feedback link is not valid.</p></body></html>\n";

    private final ChannelTokens tokens;

    public ShortLinkController(ChannelTokens tokens) {
        this.tokens = tokens;
    }

    @Get(uri = "/{token}", produces = "text/html") // a browser opening an SMS link; curl's */* matches too
    public HttpResponse<String> open(@PathVariable String token) {
        Optional<ChannelTokens.ChannelToken> link = tokens.find(token);
        if (link.isEmpty()) {
            return HttpResponse.<String>status(HttpStatus.NOT_FOUND).body(NOT_VALID_PAGE)
                    .contentType(MediaType.of("text/html;charset=utf-8")).header(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        // relative: the browser stays on the host it came to; a found token is base64url, safe in a query as is
        String form = "/feedback/" + URLEncoder.encode(link.get().unitId(), StandardCharsets.UTF_8) + "?token=" + token;
        return HttpResponse.<String>status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, form)
                // the token is a one-time secret: no cache keeps the redirect, no other site sees it in a Referer
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Referrer-Policy", "same-origin");
    }
}
