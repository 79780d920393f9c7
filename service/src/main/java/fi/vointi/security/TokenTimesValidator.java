package fi.vointi.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A token must say when it ends ({@code exp}; one without it would never expire), and may not come from the future:
 * {@code nbf} and {@code iat} later than now plus the clock skew ({@code vointi.security.clock-skew}, default 60 s)
 * are refused (401). Micronaut's own validator refuses an {@code exp} in the past; this adds what it lets through.
 */
@Singleton
public class TokenTimesValidator<T> implements GenericJwtClaimsValidator<T> {
    private static final Logger LOG = LoggerFactory.getLogger(TokenTimesValidator.class);
    private final Duration skew;
    private final Clock clock;

    public TokenTimesValidator(@Value("${vointi.security.clock-skew:60s}") Duration skew) {
        this(skew, Clock.systemUTC());
    }

    TokenTimesValidator(Duration skew, Clock clock) {
        this.skew = skew;
        this.clock = clock;
    }

    @Override
    public boolean validate(Claims claims, @Nullable T request) {
        String problem = problem(claims.get(Claims.EXPIRATION_TIME), claims.get(Claims.NOT_BEFORE),
                claims.get(Claims.ISSUED_AT), clock.instant(), skew);
        if (problem != null) {
            LOG.debug("Token refused: {}", problem);
            return false;
        }
        return true;
    }

    /** Why a token with these time claims is refused at {@code now}, or null. */
    @Nullable
    static String problem(@Nullable Object exp, @Nullable Object nbf, @Nullable Object iat, Instant now, Duration skew) {
        Instant expires = instant(exp);
        if (expires == null) {
            return "no exp";
        }
        if (!expires.isAfter(now.minus(skew))) {
            return "expired";
        }
        Instant notBefore = instant(nbf);
        if (nbf != null && notBefore == null || notBefore != null && notBefore.isAfter(now.plus(skew))) {
            return "nbf in the future";
        }
        Instant issued = instant(iat);
        if (iat != null && issued == null || issued != null && issued.isAfter(now.plus(skew))) {
            return "iat in the future";
        }
        return null;
    }

    @Nullable
    private static Instant instant(@Nullable Object value) {
        if (value instanceof Date d) {
            return d.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        return null;
    }
}
