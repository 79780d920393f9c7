package fi.vointi.conformance;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SMART App Launch v2 discovery: {@code GET /.well-known/smart-configuration}, also under the FHIR base
 * ({@code /fhir/.well-known/smart-configuration}), where SMART clients look for it. Public; 404 when outside dev mode
 * the authorization server is not configured ({@code vointi.smart.*}).
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
public class SmartConfigurationController {
    private static final Logger LOG = LoggerFactory.getLogger(SmartConfigurationController.class);
    private final SmartSettings settings;
    private final String issuer;
    private final Optional<String> countyJwks;
    private final boolean devMode;

    public SmartConfigurationController(SmartSettings settings, @Value("${vointi.security.issuer}") String issuer,
                                        @Nullable @Value("${micronaut.security.token.jwt.signatures.jwks.county.url:}") String countyJwks,
                                        @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode) {
        this.settings = settings;
        this.issuer = issuer;
        this.countyJwks = Optional.ofNullable(countyJwks).filter(s -> !s.isBlank());
        this.devMode = devMode;
        if (!devMode && (settings.getAuthorizationEndpoint() == null || settings.getTokenEndpoint() == null)) {
            LOG.warn("vointi.smart.authorization-endpoint / token-endpoint are not set: /.well-known/smart-configuration answers 404");
        }
    }

    @Get(uris = {"/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"}, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Map<String, Object>> smartConfiguration(HttpRequest<?> request) {
        Optional<String> devOrigin = devMode ? Optional.of(ownOrigin(request)) : Optional.empty();
        return SmartConfigurationDocument.of(settings, issuer, countyJwks, devOrigin)
                .<HttpResponse<Map<String, Object>>>map(HttpResponse::ok)
                .orElseGet(() -> HttpResponse.notFound(Map.of("error", "not_configured",
                        "error_description", "The authorization server is not configured (vointi.smart.*)")));
    }

    private static String ownOrigin(HttpRequest<?> request) {
        String host = request.getHeaders().get("Host");
        return (request.isSecure() ? "https://" : "http://") + (host == null ? "localhost" : host.toLowerCase(Locale.ROOT));
    }
}
