package fi.vointi.messaging;

import fi.vointi.ServerClock;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The server's clock in the messaging tests (only where {@code vointi.test.settable-clock} is true): the test moves it. */
@Singleton
@Replaces(bean = Clock.class, factory = ServerClock.class)
@Requires(property = "vointi.test.settable-clock", value = "true")
public class SettableClock extends Clock {
    private volatile Instant now = Instant.now();

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
