package fi.vointi.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Hardening headers on every answer: no sniffing, no framing, no referrer to other sites, and health data never
 * cached. {@code same-origin} rather than {@code no-referrer}: with no-referrer browsers post our own forms with
 * {@code Origin: null}, which the cross-site check must refuse (fi.vointi.web.SameOriginForms).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class SecurityHeadersFilter {

    @ResponseFilter
    public void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.getHeaders().set("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        response.getHeaders().set("Referrer-Policy", "same-origin");
        if (!response.getHeaders().contains("Content-Security-Policy")) {
            // an HTML page (fi.vointi.web.HtmlPages) sets its own, equally strict policy
            response.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
        response.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        if (!response.getHeaders().contains("Cache-Control")) {
            // the pages' style sheet and scripts hold nothing personal; everything else may
            response.header("Cache-Control", request.getPath().startsWith("/assets/") ? "public, max-age=3600" : "no-store");
        }
    }
}
