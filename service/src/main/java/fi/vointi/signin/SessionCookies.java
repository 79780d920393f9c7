package fi.vointi.signin;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Optional;

/**
 * The cookies of signing in: {@value #SESSION} (the session id; HttpOnly, SameSite=Lax, Path=/, Secure except on
 * plain http in dev mode) and {@value #RETURN} (where to go after signing in, a checked local path, for 10 minutes).
 */
@Singleton
public class SessionCookies {
    public static final String SESSION = "vointi_session";
    public static final String RETURN = "vointi_signin_return";
    private final SessionSettings settings;

    public SessionCookies(SessionSettings settings) {
        this.settings = settings;
    }

    public Cookie session(HttpRequest<?> request, String id) {
        // no Max-Age: the browser forgets the cookie when it closes; the server ends the session by its timeouts
        return base(request, SESSION, id);
    }

    public Cookie returnPath(HttpRequest<?> request, String path) {
        return base(request, RETURN, path).maxAge(Duration.ofMinutes(10));
    }

    public Cookie expired(HttpRequest<?> request, String name) {
        return base(request, name, "").maxAge(0);
    }

    public static Optional<String> value(HttpRequest<?> request, String name) {
        return request.getCookies().findCookie(name).map(Cookie::getValue);
    }

    private Cookie base(HttpRequest<?> request, String name, String value) {
        return Cookie.of(name, value).path("/").httpOnly(true).sameSite(SameSite.Lax)
                .secure(!settings.insecureCookieAllowed(request.isSecure()));
    }
}
