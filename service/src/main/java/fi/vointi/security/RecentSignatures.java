package fi.vointi.security;

import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenSignatureValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, for a short while, the exact tokens whose signature Micronaut verified, so that a client sending the same
 * bearer token with every request (a backend integration: one token for minutes, hundreds of requests a second) costs
 * one RSA verification and key conversion per {@link #TTL} instead of one per request. Only the signature check is
 * skipped: the token is still parsed, and its claims (expiry, issuer, audience, times, values) are checked on every
 * request. A token is remembered only after a successful check and only by its full text, so a changed header,
 * payload or signature is verified like any new token; failures are never remembered.
 * <p>
 * {@link #TTL} is half of the 60 s for which Micronaut keeps a fetched remote JWKS by default
 * ({@code jwks.*.cache-expiration}): a key removed by the identity provider is already trusted for up to that long
 * after its removal, and this adds at most 30 s to it.
 */
@Singleton
@SuppressWarnings({"rawtypes", "unchecked"})
class RecentSignatures implements BeanCreatedEventListener<ReactiveJsonWebTokenSignatureValidator> {
    static final Duration TTL = Duration.ofSeconds(30);
    /** Enough for every client's current token; past it the map is emptied rather than grown. */
    private static final int MAX_TOKENS = 10_000;
    private final Map<String, Long> verifiedUntil = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    @Override
    public ReactiveJsonWebTokenSignatureValidator onCreated(BeanCreatedEvent<ReactiveJsonWebTokenSignatureValidator> event) {
        ReactiveJsonWebTokenSignatureValidator<SignedJWT> verifier = event.getBean();
        return (ReactiveJsonWebTokenSignatureValidator<SignedJWT>) jwt -> validate(verifier, jwt);
    }

    private Publisher<Boolean> validate(ReactiveJsonWebTokenSignatureValidator<SignedJWT> verifier, SignedJWT jwt) {
        String token = jwt.getParsedString();
        long now = clock.millis();
        Long until = token == null ? null : verifiedUntil.get(token);
        if (until != null && now < until) {
            return Mono.just(true);
        }
        return Mono.from(verifier.validateSignature(jwt)).doOnNext(valid -> {
            if (Boolean.TRUE.equals(valid) && token != null) {
                remember(token, now + TTL.toMillis());
            }
        });
    }

    private void remember(String token, long until) {
        if (verifiedUntil.size() >= MAX_TOKENS) {
            verifiedUntil.clear();
        }
        verifiedUntil.put(token, until);
    }
}
