package fi.vointi.messaging;

import java.time.Duration;

/** Exponential backoff between attempts: {@code first × 2^(attempt-1)}, at most {@code max}. */
public record Backoff(Duration first, Duration max) {

    /** The wait after the given failed attempt (1 = the first attempt failed). */
    public Duration after(int attempt) {
        Duration delay = first;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
