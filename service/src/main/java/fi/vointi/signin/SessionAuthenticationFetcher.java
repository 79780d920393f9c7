package fi.vointi.signin;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Signs a request in with the page session of its {@value SessionCookies#SESSION} cookie, so that
 * {@code CallerResolver.resolve(request)} gives the same Caller as a bearer token with the same claims, and
 * {@code AccessPolicy} stays the one rule set.
 * <ul>
 *   <li>An {@code Authorization} header always wins (API clients): the cookie is then not even looked at.</li>
 *   <li>The cookie authenticates only requests that cannot be forged from another site: safe methods (GET, HEAD),
 *       and form posts, which {@code SameOriginForms} has already limited to our own origin. A state-changing
 *       request with any other body (FHIR or JSON writes) is not signed in by the cookie: API clients use bearer
 *       tokens (docs/web.md, "Sessions and cross-site requests").</li>
 * </ul>
 */
@Singleton
public class SessionAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD);
    private static final Set<String> FORM_TYPES = Set.of(MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA);

    private final SessionStore sessions;
    private final Scheduler blocking;

    public SessionAuthenticationFetcher(SessionStore sessions, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.sessions = sessions;
        this.blocking = Schedulers.fromExecutorService(blocking);
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        if (request.getHeaders().contains(HttpHeaders.AUTHORIZATION) || !cookieMaySignIn(request)) {
            return Mono.empty();
        }
        String id = SessionCookies.value(request, SessionCookies.SESSION).orElse(null);
        if (id == null || id.isEmpty()) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> sessions.find(id).map(session -> {
                    request.setAttribute(SessionClaims.SIGNED_IN_ATTRIBUTE,
                            SessionClaims.displayName(session.subject(), session.claims()));
                    return SessionClaims.authentication(session.subject(), session.claims());
                }).orElse(null))
                .subscribeOn(blocking)
                .publishOn(back(request));
    }

    /**
     * The request goes on where it came from: Micronaut reads a form body only on the connection's event loop (a
     * form post to a controller that binds {@code @Body} failed otherwise, found by the answering pages' browser test).
     */
    private Scheduler back(HttpRequest<?> request) {
        if (request instanceof io.micronaut.http.server.netty.NettyHttpRequest<?> netty) {
            return Schedulers.fromExecutor(netty.getChannelHandlerContext().executor());
        }
        return Schedulers.immediate();
    }

    static boolean cookieMaySignIn(HttpRequest<?> request) {
        if (SAFE.contains(request.getMethod())) {
            return true;
        }
        if (request.getMethod() != HttpMethod.POST) {
            return false;
        }
        return request.getContentType().map(type -> FORM_TYPES.contains(type.getName().toLowerCase(Locale.ROOT))).orElse(false);
    }

    @Override
    public int getOrder() {
        // after the bearer token fetcher; it declines anyway when an Authorization header is present
        return 100;
    }
}
