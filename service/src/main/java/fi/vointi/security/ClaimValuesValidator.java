package fi.vointi.security;

import fi.vointi.input.UntrustedText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;

/**
 * The claims we store (the audit trail's agent, a sharing decision's author, an invitation's requester, patient ids)
 * must fit their columns and be free of control characters: {@code sub}, {@code azp} and {@code client_id} at most 255
 * characters, {@code patient} and each {@code guardian_of} id at most 128, {@code units} ids free of control characters.
 * A token that breaks this is not valid (401, like a bad signature) instead of failing later with a 500. Only adds a
 * rule; the signature, issuer, audience and time checks stay where they are.
 */
@Singleton
public class ClaimValuesValidator<T> implements GenericJwtClaimsValidator<T> {
    static final int MAX_AGENT = 255;
    static final int MAX_PATIENT = 128;
    private static final Logger LOG = LoggerFactory.getLogger(ClaimValuesValidator.class);

    @Override
    public boolean validate(Claims claims, @Nullable T request) {
        String problem = problem(claims);
        if (problem != null) {
            LOG.debug("Token refused: {}", problem);
            return false;
        }
        return true;
    }

    @Nullable
    static String problem(Claims claims) {
        for (String name : List.of(Claims.SUBJECT, "azp", "client_id")) {
            String problem = check(claims.get(name), MAX_AGENT);
            if (problem != null) {
                return "claim " + name + " " + problem;
            }
        }
        for (String name : List.of("patient", "guardian_of")) {
            String problem = check(listed(name, claims.get(name)), MAX_PATIENT);
            if (problem != null) {
                return "claim " + name + " " + problem;
            }
        }
        String problem = check(listed("units", claims.get("units")), Integer.MAX_VALUE);
        return problem == null ? null : "claim units " + problem;
    }

    /** A list claim may come as one string of ids separated by spaces or commas (as CallerResolver reads it). */
    @Nullable
    private static Object listed(String name, @Nullable Object value) {
        return !name.equals("patient") && value instanceof String s ? List.of(s.split("[ ,]")) : value;
    }

    @Nullable
    private static String check(@Nullable Object value, int max) {
        if (value instanceof Collection<?> values) {
            for (Object v : values) {
                String problem = check(v, max);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        return value == null ? null : UntrustedText.tokenProblem(value.toString(), max);
    }
}
