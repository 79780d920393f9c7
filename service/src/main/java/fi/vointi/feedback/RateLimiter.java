package fi.vointi.feedback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Feedback submissions per client address, in memory only (never stored): a single source cannot flood a unit.
 * An address is forgotten once its bucket has been idle for a whole window; a restart forgets all.
 */
@Singleton
class RateLimiter {
    private final int capacity;
    private final long windowNanos;
    private final Cache<String, TokenBucket> buckets;

    RateLimiter(FeedbackConfiguration configuration) {
        this.capacity = configuration.getRateLimitSubmissions();
        this.windowNanos = configuration.getRateLimitWindow().toNanos();
        this.buckets = Caffeine.newBuilder().expireAfterAccess(configuration.getRateLimitWindow())
                .maximumSize(200_000).build();
    }

    /** A wait as the whole seconds of a Retry-After header (at least 1). */
    static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** @return empty when allowed, otherwise how long the address must wait */
    java.util.Optional<Duration> acquire(String clientAddress) {
        long now = System.nanoTime();
        TokenBucket bucket = buckets.get(clientAddress, k -> new TokenBucket(capacity, windowNanos, now));
        long wait = bucket.tryTake(now);
        return wait == 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(wait));
    }
}
