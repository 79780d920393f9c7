package fi.vointi.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Hardening headers on every answer: no sniffing, no framing, no referrer, and health data never cached. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class SecurityHeadersFilter {

    @ResponseFilter
    public void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        if (!response.getHeaders().contains("Referrer-Policy")) {
            // a short feedback link's redirect keeps its same-origin policy; one header, not two that disagree
            response.header("Referrer-Policy", "no-referrer");
        }
        if (!response.getHeaders().contains("Content-Security-Policy")) {
            // an HTML page (the public feedback form) sets its own, equally strict policy
            response.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
        response.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        if (!response.getHeaders().contains("Cache-Control")) {
            response.header("Cache-Control", "no-store");
        }
    }
}
