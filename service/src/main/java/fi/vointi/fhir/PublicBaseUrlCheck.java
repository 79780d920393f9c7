package fi.vointi.fhir;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;

import java.net.URI;
import java.util.Set;

/**
 * Outside dev mode and tests the public base of the FHIR API ({@code vointi.fhir.base-url}) must be configured: every
 * link the service builds (Location, fullUrl, paging, invitation links) uses it, and a request's {@code Host} header
 * never does (issue 13 case 12). Checked at start-up, so that production without it does not start at all.
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PublicBaseUrlCheck {
    public PublicBaseUrlCheck(@Nullable @Value("${vointi.fhir.base-url:}") String baseUrl, Environment environment,
                              @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode) {
        check(baseUrl, environment.getActiveNames(), devMode);
    }

    static void check(@Nullable String url, Set<String> environments, boolean devMode) {
        if (url == null || url.isBlank()) {
            if (!devMode && !environments.contains(Environment.TEST)) {
                throw new ConfigurationException("vointi.fhir.base-url (VOINTI_FHIR_BASE_URL) is required outside dev mode:"
                        + " links (Location, paging, invitation links) are never built from a request's Host header");
            }
            return;
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigurationException("vointi.fhir.base-url (VOINTI_FHIR_BASE_URL) is not a URL: " + url);
        }
        if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigurationException("vointi.fhir.base-url (VOINTI_FHIR_BASE_URL) must be an http(s) URL such as"
                    + " https://vointi.example-county.fi/fhir, not " + url);
        }
    }
}
