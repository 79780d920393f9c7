package fi.vointi.cat;

import java.util.random.RandomGenerator;

/**
 * SplitMix64 (Steele, Lea &amp; Flood 2014) with a bounded draw defined here rather than by the JDK,
 * so a seed yields the same sequence on every JVM version and server instance. Not thread-safe:
 * create one per use (construction is a single field write).
 */
public final class SplitMix64 implements RandomGenerator {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 output function, also a good 64-bit mixer for hashing. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform on 0..bound-1 by rejection sampling (unbiased, JDK-independent). */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, was " + bound);
        }
        long range = bound;
        // Accept the largest multiple of range below 2^64: 2^64 - (2^64 mod range) values.
        long excess = (Long.remainderUnsigned(-1L, range) + 1) % range;
        long limit = -1L - excess;
        while (true) {
            long bits = nextLong();
            if (Long.compareUnsigned(bits, limit) <= 0) {
                return (int) Long.remainderUnsigned(bits, range);
            }
        }
    }

    /** Uniform on [0, 1) from the top 53 bits. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
