package fi.vointi.feedback;

/**
 * A token bucket: up to {@code capacity} events at once, refilled evenly over {@code window}. Pure logic with the
 * time passed in, so that it is tested without waiting.
 */
final class TokenBucket {
    private final int capacity;
    private final long windowNanos;
    private double tokens;
    private long lastNanos;

    TokenBucket(int capacity, long windowNanos, long nowNanos) {
        this.capacity = capacity;
        this.windowNanos = windowNanos;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when taken, otherwise the nanoseconds until a token is available
     */
    synchronized long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        double perToken = (double) windowNanos / capacity;
        return Math.max(1, (long) Math.ceil((1 - tokens) * perToken));
    }

    /** True when the bucket is full again, i.e. it remembers nothing worth keeping. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + (double) elapsed * capacity / windowNanos);
            lastNanos = nowNanos;
        }
    }
}
