package fi.vointi.signin;

import fi.vointi.web.Languages;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.context.BeanContext;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.oauth2.client.OauthClient;
import io.micronaut.security.rules.SecurityRule;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import io.micronaut.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * {@code GET /signin?return=/path}: starts the OpenID Connect authorization-code flow with PKCE (Micronaut Security's
 * OIDC client, provider {@value #PROVIDER}); after the provider's answer at {@code /oauth/callback/vointi} the browser
 * ends up on {@code return} (a checked local path, default {@code /app}). {@code POST /signout}: ends the session.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
public class SignInController {
    /** The name of the OIDC client in configuration: micronaut.security.oauth2.clients.vointi. */
    public static final String PROVIDER = "vointi";
    private static final Logger LOG = LoggerFactory.getLogger(SignInController.class);
    private final BeanContext beans;
    private final SessionCookies cookies;
    private final SessionStore sessions;

    public SignInController(BeanContext beans, SessionCookies cookies, SessionStore sessions) {
        this.beans = beans;
        this.cookies = cookies;
        this.sessions = sessions;
    }

    @Get(uri = "/signin", produces = MediaType.TEXT_HTML)
    public Publisher<MutableHttpResponse<?>> signIn(HttpRequest<?> request, @Nullable @QueryValue("return") String returnPath) {
        String target = ReturnPaths.safe(returnPath);
        // looked up per request: the client exists only when its provider's metadata could be read at start-up
        OauthClient client = beans.findBean(OauthClient.class, Qualifiers.byName(PROVIDER)).orElse(null);
        if (client == null) {
            LOG.error("Sign-in is not available: the OpenID Connect client '{}' could not be created (is VOINTI_OIDC_ISSUER"
                    + " the identity provider's issuer URL, and was its discovery document readable at start-up?)", PROVIDER);
            return Mono.just(HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE));
        }
        boolean providerUnreachable = beans.findBean(io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcher.class,
                        Qualifiers.byName(PROVIDER)).map(f -> f.fetch() instanceof ProviderDiscovery.Discovered d && !d.available())
                .orElse(false);
        if (providerUnreachable) {
            // the provider's discovery document could not be read (ProviderDiscovery): the same 503 page, and a retry later
            return Mono.just(HttpResponse.<Object>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "30"));
        }
        Cookie language = Languages.rememberedChoice(request);
        return Mono.from(client.authorizationRedirect(request)).map(response -> {
            // ?lang= on /signin carries on to the provider's page and back (the page-language cookie)
            if (language != null) {
                response.cookie(language);
            }
            return response.cookie(cookies.returnPath(request, target)).header("Cache-Control", "no-store");
        });
    }

    @Post(uri = "/signout", consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
    public MutableHttpResponse<?> signOut(HttpRequest<?> request) {
        SessionCookies.value(request, SessionCookies.SESSION).ifPresent(sessions::delete);
        return HttpResponse.seeOther(URI.create("/?signedout=1"))
                .cookie(cookies.expired(request, SessionCookies.SESSION))
                .header("Cache-Control", "no-store");
    }
}
