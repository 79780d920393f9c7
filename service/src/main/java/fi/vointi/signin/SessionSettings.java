package fi.vointi.signin;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * How long a page session lasts: {@code vointi.web.session.idle-timeout} (default 30 minutes without a request) and
 * {@code vointi.web.session.absolute-timeout} (default 12 hours after signing in, however active).
 */
@Singleton
public class SessionSettings {
    private final Duration idle;
    private final Duration absolute;
    private final boolean devMode;

    public SessionSettings(@Value("${vointi.web.session.idle-timeout:30m}") Duration idle,
                           @Value("${vointi.web.session.absolute-timeout:12h}") Duration absolute,
                           @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode) {
        if (idle.isNegative() || idle.isZero() || absolute.isNegative() || absolute.isZero()) {
            throw new IllegalArgumentException("vointi.web.session.idle-timeout and absolute-timeout must be positive");
        }
        this.idle = idle;
        this.absolute = absolute;
        this.devMode = devMode;
    }

    public Duration idle() {
        return idle;
    }

    public Duration absolute() {
        return absolute;
    }

    /**
     * Whether the session cookie may go without {@code Secure}: only on a plain-http request in dev mode (the built-in
     * issuer, which {@code DevModeGuard} allows only on the embedded database or in tests). Production always sets it,
     * also behind a proxy that terminates TLS.
     */
    public boolean insecureCookieAllowed(boolean requestIsSecure) {
        return devMode && !requestIsSecure;
    }
}
