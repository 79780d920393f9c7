package fi.vointi.feedback;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/**
 * Channel tokens of SMS / e-mail feedback links: a JWT signed with HMAC-SHA256 that carries the unit, its service
 * and the channel, a random id and an expiry; never anything about the person it was sent to. The key comes from
 * {@code vointi.feedback.token-secret}; without it a random key is made per start, which only dev mode and tests
 * allow (tokens then die with the process).
 */
@Singleton
class ChannelTokens {
    static final String ISSUER = "urn:vointi:feedback";
    static final String AUDIENCE = "vointi-feedback-link";
    static final Set<String> TOKEN_CHANNELS = Set.of("sms");

    /** What a valid token says. */
    /** @param audience the only audience the link may answer for (staff links), or null for the customer surveys */
    record ChannelToken(String unitId, @Nullable String serviceId, String channel, String tokenId, Instant expiresAt,
                        @Nullable String audience) {
    }

    /** Why a token is refused: told apart so that an expired link can say so in plain words. */
    static final class InvalidToken extends RuntimeException {
        private final boolean expired;

        InvalidToken(String message, boolean expired) {
            super(message);
            this.expired = expired;
        }

        boolean expired() {
            return expired;
        }
    }

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;

    @Inject
    ChannelTokens(FeedbackConfiguration configuration, Environment environment,
                  @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode) {
        this(key(configuration.getTokenSecret(), environment.getActiveNames(), devMode), Clock.systemUTC());
    }

    ChannelTokens(byte[] key, Clock clock) {
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new ConfigurationException("vointi.feedback.token-secret must be at least 32 bytes: " + e.getMessage());
        }
        this.clock = clock;
    }

    static byte[] key(@Nullable String secret, Set<String> environments, boolean devMode) {
        if (secret != null) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 32) {
                throw new ConfigurationException("vointi.feedback.token-secret must be at least 32 bytes (e.g. 48 random bytes in base64)");
            }
            return bytes;
        }
        if (!devMode && !environments.contains(Environment.TEST)) {
            throw new ConfigurationException("vointi.feedback.token-secret (VOINTI_FEEDBACK_TOKEN_SECRET) is required outside dev mode:"
                    + " SMS feedback links must stay valid across restarts and instances (docs/feedback.md)");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    String issue(String unitId, @Nullable String serviceId, String channel, Duration lifetime) {
        return issue(unitId, serviceId, channel, lifetime, null);
    }

    String issue(String unitId, @Nullable String serviceId, String channel, Duration lifetime, @Nullable String audience) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .claim("unit", unitId).claim("channel", channel);
        if (serviceId != null) {
            claims.claim("service", serviceId);
        }
        if (audience != null) {
            claims.claim("audience", audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a channel token", e);
        }
        return jwt.serialize();
    }

    /** The token's claims, or {@link InvalidToken} when it is malformed, forged, for something else, or expired. */
    ChannelToken verify(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidToken("The feedback link is not valid", false);
        }
        try {
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw new InvalidToken("The feedback link is not valid", false);
            }
        } catch (JOSEException e) {
            throw new InvalidToken("The feedback link is not valid", false);
        }
        String unit = text(claims.getClaim("unit"));
        String channel = text(claims.getClaim("channel"));
        if (!ISSUER.equals(claims.getIssuer()) || !claims.getAudience().contains(AUDIENCE) || unit == null
                || channel == null || !TOKEN_CHANNELS.contains(channel) || claims.getJWTID() == null
                || claims.getExpirationTime() == null) {
            throw new InvalidToken("The feedback link is not valid", false);
        }
        Instant expires = claims.getExpirationTime().toInstant();
        if (!clock.instant().isBefore(expires)) {
            throw new InvalidToken("The feedback link has expired", true);
        }
        return new ChannelToken(unit, text(claims.getClaim("service")), channel, claims.getJWTID(), expires,
                text(claims.getClaim("audience")));
    }

    @Nullable
    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    /** For tests: a key of the right size. */
    static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
