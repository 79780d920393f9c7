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
 * Dev mode: the launch contexts of the dev EHR ({@code /dev/ehr}). A launch value is random (256 bits), lives
 * {@link #LIFETIME}, is spent by the authorization request that presents it, and stands for "this clinician has this
 * patient's record open". In memory: the dev provider runs on one instance only.
 */
@Singleton
@Requires(property = "vointi.security.dev-issuer.enabled", value = "true")
class DevLaunchContexts {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Context> contexts = new ConcurrentHashMap<>();

    /** Who launched and with which patient open. */
    record Context(String user, String patientId, Instant expires) {
    }

    String open(String user, String patientId) {
        Instant now = Instant.now();
        contexts.values().removeIf(c -> c.expires().isBefore(now));
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        contexts.put(launch, new Context(user, patientId, now.plus(LIFETIME)));
        return launch;
    }

    /** The context of {@code launch}, removed so that it is used once; empty when unknown, used or expired. */
    Optional<Context> take(String launch) {
        if (launch == null) {
            return Optional.empty();
        }
        Context context = contexts.remove(launch);
        return context == null || context.expires().isBefore(Instant.now()) ? Optional.empty() : Optional.of(context);
    }
}
