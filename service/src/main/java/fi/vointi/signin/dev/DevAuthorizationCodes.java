package fi.vointi.signin.dev;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization codes of the dev provider: random (256 bits), valid {@link #LIFETIME}, usable once (taken out of the
 * map atomically by the first token request, whatever its outcome), bound to the client, the redirect URI, the PKCE
 * challenge and the nonce. In memory: the dev provider runs on one instance only.
 */
@Singleton
@Requires(property = "vointi.security.dev-issuer.enabled", value = "true")
class DevAuthorizationCodes {
    static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    /** @param launchPatient the patient of an EHR launch's context, or null for a plain sign-in */
    record Grant(String user, String clientId, String redirectUri, String codeChallenge, String nonce,
                 @io.micronaut.core.annotation.Nullable String launchPatient, Instant expires) {
    }

    String issue(String user, String clientId, String redirectUri, String codeChallenge, String nonce,
                 @io.micronaut.core.annotation.Nullable String launchPatient) {
        Instant now = Instant.now();
        grants.values().removeIf(g -> g.expires().isBefore(now));
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        grants.put(code, new Grant(user, clientId, redirectUri, codeChallenge, nonce, launchPatient, now.plus(LIFETIME)));
        return code;
    }

    /** The grant of {@code code}, removed so that it can never be used again; empty when unknown, used or expired. */
    Optional<Grant> take(String code) {
        if (code == null) {
            return Optional.empty();
        }
        Grant grant = grants.remove(code);
        return grant == null || grant.expires().isBefore(Instant.now()) ? Optional.empty() : Optional.of(grant);
    }
}
