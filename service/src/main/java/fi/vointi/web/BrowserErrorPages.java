package fi.vointi.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.Set;

/**
 * Content negotiation of errors: a browser (its Accept names text/html) gets a page in its language for every error
 * answer — unknown address, sign-in needed, refused, expired, too many, server failure — while FHIR clients keep
 * their OperationOutcome. One place for all of them, after security and every exception handler.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class BrowserErrorPages implements Ordered {
    private static final Set<Integer> OWN_TEXTS = Set.of(401, 403, 404, 405, 410, 413, 415, 429, 500, 503);
    private final HtmlPages pages;

    public BrowserErrorPages(HtmlPages pages) {
        this.pages = pages;
    }

    @ResponseFilter
    public MutableHttpResponse<?> toPage(HttpRequest<?> request, MutableHttpResponse<?> response) {
        int code = response.code();
        if (code < 400 || !wantsHtml(request) || response.getContentType().map(t -> t.getName().equals(MediaType.TEXT_HTML)).orElse(false)) {
            return response;
        }
        String lang = Languages.of(request);
        String key = OWN_TEXTS.contains(code) ? Integer.toString(code) : code >= 500 ? "500" : "other";
        String title = Messages.get(lang, "error." + key + ".title");
        Page page = Page.of(request, lang, title);
        MutableHttpResponse<String> html = pages.message(request, HttpStatus.valueOf(code), page, new HtmlPages.MessageView(
                title, Messages.get(lang, "error." + key + ".text"), "/", Messages.get(lang, "error.home"), null, code >= 400));
        response.getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Retry-After") || name.equalsIgnoreCase("WWW-Authenticate")) {
                values.forEach(value -> html.header(name, value));
            }
        });
        return html;
    }

    static boolean wantsHtml(HttpRequest<?> request) {
        return request.getHeaders().accept().stream().anyMatch(type -> type.getName().equals(MediaType.TEXT_HTML));
    }

    @Override
    public int getOrder() {
        // the outermost filter: it sees the final answer of security, routing and every handler
        return ServerFilterPhase.FIRST.order();
    }
}
