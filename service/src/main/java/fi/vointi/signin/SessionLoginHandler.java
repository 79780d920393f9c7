package fi.vointi.signin;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.handlers.RedirectingLoginHandler;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * After the code exchange: a server-side session with the asserted claims, its cookie, and 303 to the checked return
 * path. A failed sign-in (bad or missing state, refused token) gets the sign-in problem page instead.
 */
@Singleton
public class SessionLoginHandler implements RedirectingLoginHandler<HttpRequest<?>, MutableHttpResponse<?>> {
    private final SessionStore sessions;
    private final SessionCookies cookies;
    private final SignInPages pages;

    public SessionLoginHandler(SessionStore sessions, SessionCookies cookies, SignInPages pages) {
        this.sessions = sessions;
        this.cookies = cookies;
        this.pages = pages;
    }

    @Override
    public MutableHttpResponse<?> loginSuccess(Authentication authentication, HttpRequest<?> request) {
        Map<String, Object> claims = new HashMap<>(SessionClaims.kept(authentication.getAttributes()));
        // a session that was already open in this browser ends: one person per browser session
        SessionCookies.value(request, SessionCookies.SESSION).ifPresent(sessions::delete);
        String id = sessions.create(authentication.getName(), claims);
        String target = ReturnPaths.safe(SessionCookies.value(request, SessionCookies.RETURN).orElse(ReturnPaths.DEFAULT));
        return HttpResponse.seeOther(URI.create(target))
                .cookie(cookies.session(request, id))
                .cookie(cookies.expired(request, SessionCookies.RETURN))
                .header("Cache-Control", "no-store");
    }

    @Override
    public MutableHttpResponse<?> loginRefresh(Authentication authentication, String refreshToken, HttpRequest<?> request) {
        return loginSuccess(authentication, request);
    }

    @Override
    public MutableHttpResponse<?> loginFailed(AuthenticationResponse authenticationResponse, HttpRequest<?> request) {
        return pages.failed(request, false);
    }
}
