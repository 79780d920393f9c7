package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitMix64Test {

    @Test
    void matchesTheReferenceSequenceForSeedZero() {
        // Reference outputs of Vigna's splitmix64.c with x = 0.
        SplitMix64 random = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, random.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, random.nextLong());
        assertEquals(0x06C45D188009454FL, random.nextLong());
    }

    @Test
    void boundedDrawsAreInRangeAndRoughlyUniform() {
        SplitMix64 random = new SplitMix64(42);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[random.nextInt(7)]++;
        }
        for (int count : counts) {
            assertTrue(Math.abs(count - 10_000) < 500, "count " + count);
        }
        assertThrows(IllegalArgumentException.class, () -> random.nextInt(0));
        double u = random.nextDouble();
        assertTrue(u >= 0 && u < 1);
    }
}
