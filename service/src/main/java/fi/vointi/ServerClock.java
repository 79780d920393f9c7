package fi.vointi;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The one clock that dates what the server records ({@code authored}, {@code meta.lastUpdated}, Observation
 * {@code issued}): a bean, so that a test can replace it with a clock it controls (a draft saved on Monday and
 * completed on Friday) instead of waiting or back-dating through the API.
 */
@Factory
public class ServerClock {
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
