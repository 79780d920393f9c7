package fi.vointi.feedback;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {
    static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Test
    void burstUpToCapacityThenEvenRefill() {
        TokenBucket bucket = new TokenBucket(3, 3 * MINUTE, 0);
        assertEquals(0, bucket.tryTake(0));
        assertEquals(0, bucket.tryTake(0));
        assertEquals(0, bucket.tryTake(0));
        assertEquals(MINUTE, bucket.tryTake(0));
        assertEquals(MINUTE / 2, bucket.tryTake(MINUTE / 2));
        assertEquals(0, bucket.tryTake(MINUTE));
        assertFalse(bucket.isFull(MINUTE));
        assertTrue(bucket.isFull(4 * MINUTE));
        // never more than the capacity, however long it waited
        assertEquals(0, bucket.tryTake(100 * MINUTE));
        assertEquals(0, bucket.tryTake(100 * MINUTE));
        assertEquals(0, bucket.tryTake(100 * MINUTE));
        assertTrue(bucket.tryTake(100 * MINUTE) > 0);
    }
}
