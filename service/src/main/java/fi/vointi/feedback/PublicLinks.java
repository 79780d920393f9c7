package fi.vointi.feedback;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The public base of feedback links and QR codes. It never comes from a request's {@code Host} header: anyone can
 * send any Host, and a poster or SMS link printed from it would send people to a stranger's site. Production must
 * configure {@code vointi.feedback.public-base-url}; only dev mode and tests fall back to this server on localhost.
 */
@Singleton
@Context // made at start-up, so that production without a public base URL does not start at all
@Order(Ordered.HIGHEST_PRECEDENCE) // a missing setting is reported before the database and the catalog start work
public class PublicLinks {
    static final String ENV_VARIABLE = "VOINTI_FEEDBACK_PUBLIC_BASE_URL";

    @Nullable
    private final String configured;
    private final BeanProvider<EmbeddedServer> server;

    @Inject
    PublicLinks(FeedbackConfiguration configuration, Environment environment,
                @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode, BeanProvider<EmbeddedServer> server) {
        this.configured = checked(configuration.getPublicBaseUrl(), environment.getActiveNames(), devMode);
        // looked up per call: the server's port is known only once it listens (tests use a free port)
        this.server = server;
    }

    /** e.g. {@code https://palaute.example-county.fi}, without a trailing slash. */
    public String base() {
        return configured != null ? configured : "http://localhost:" + server.get().getPort();
    }

    /**
     * The configured base after checking it, or null where the localhost fallback is allowed: in dev mode and tests,
     * the same rule that used to decide whether a random link key would do.
     */
    @Nullable
    static String checked(@Nullable String url, Set<String> environments, boolean devMode) {
        if (url == null) {
            if (!devMode && !environments.contains(Environment.TEST)) {
                throw new ConfigurationException("vointi.feedback.public-base-url (" + ENV_VARIABLE + ") is required outside"
                        + " dev mode: feedback links and QR codes are never built from a request's Host header (docs/feedback.md)");
            }
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("vointi.feedback.public-base-url (" + ENV_VARIABLE + ") is not a URL: " + url);
        }
        if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigurationException("vointi.feedback.public-base-url (" + ENV_VARIABLE + ") must be an http(s) URL"
                    + " such as https://palaute.example-county.fi, not " + url);
        }
        return url;
    }
}
