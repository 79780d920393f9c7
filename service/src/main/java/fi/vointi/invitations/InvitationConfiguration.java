package fi.vointi.invitations;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;

import java.time.Duration;

/** {@code vointi.invitations.*}: how long an invitation link stays usable when the Task does not say. */
@ConfigurationProperties("vointi.invitations")
@Context // read at start-up, so that a wrong lifetime stops the service rather than the first invitation
public class InvitationConfiguration {
    /** The longest a link may live: a leaked link must not stay usable for long. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(90);

    private Duration lifetime = Duration.ofDays(14);

    public Duration getLifetime() {
        return lifetime;
    }

    public void setLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("vointi.invitations.lifetime must be positive and at most 90 days, not " + lifetime);
        }
        this.lifetime = lifetime;
    }
}
