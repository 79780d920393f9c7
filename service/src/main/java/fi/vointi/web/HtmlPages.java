package fi.vointi.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.views.jte.HtmlJteViewsRenderer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Renders a jte view (src/main/jte) into a complete HTML response with the headers every page carries. Rendering
 * to a string here (rather than returning a ModelAndView) gives controllers, filters and error handlers one way to
 * answer with a page, whatever the status.
 */
@Singleton
public class HtmlPages {
    public static final MediaType HTML = MediaType.of("text/html;charset=utf-8");
    /**
     * Only our own style sheet, images, scripts and web app manifest; forms post only to us; never framed. No inline script or style,
     * so no nonce is needed.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self';"
            + " script-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final HtmlJteViewsRenderer<Map<String, Object>> renderer;

    public HtmlPages(HtmlJteViewsRenderer<Map<String, Object>> renderer) {
        this.renderer = renderer;
    }

    /** The page {@code view} (a template path without .jte) with its {@code page} and {@code view} parameters. */
    public MutableHttpResponse<String> render(HttpRequest<?> request, HttpStatus status, String view, Page page,
                                              Object model) {
        StringWriter out = new StringWriter(8192);
        try {
            renderer.render(view, Map.of("page", page, "view", model), request).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withPageHeaders(HttpResponse.<String>status(status).body(out.toString()), request);
    }

    /** A page with a heading, a paragraph and an optional link (refusals, errors, confirmations). */
    public MutableHttpResponse<String> message(HttpRequest<?> request, HttpStatus status, Page page, MessageView view) {
        return render(request, status, "message", page, view);
    }

    /** Headers of every HTML answer: CSP and no caching of pages that may hold answers (the rest: SecurityHeadersFilter). */
    public static <T> MutableHttpResponse<T> withPageHeaders(MutableHttpResponse<T> response, HttpRequest<?> request) {
        response.contentType(HTML)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Cache-Control", "no-store")
                .header("Vary", "Accept-Language, Cookie");
        Cookie remembered = Languages.rememberedChoice(request);
        if (remembered != null) {
            response.cookie(remembered);
        }
        return response;
    }

    /**
     * @param heading     the h1
     * @param text        one paragraph
     * @param linkHref    a follow-up link, or null
     * @param linkText    its text
     * @param context     a line under the heading (e.g. the unit's name), or null
     * @param alert       whether the text is a problem (role=alert) rather than a status
     */
    public record MessageView(String heading, String text, String linkHref, String linkText, String context,
                              boolean alert) {
    }
}
