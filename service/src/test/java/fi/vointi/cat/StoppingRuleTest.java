package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StoppingRuleTest {

    private final StoppingRule rule = StoppingRule.PROMIS_DEFAULT;

    @Test
    void promisDefaults() {
        assertEquals(new StoppingRule(4, 12, 0.3), rule);
    }

    @Test
    void continuesBelowMinimumEvenWhenPrecise() {
        assertEquals(Optional.empty(), rule.evaluate(3, 0.1, 50));
    }

    @Test
    void stopsOnStandardErrorAtOrBelowThresholdOnceMinimumReached() {
        assertEquals(Optional.of(StopReason.STANDARD_ERROR), rule.evaluate(4, 0.3, 50));
        assertEquals(Optional.of(StopReason.STANDARD_ERROR), rule.evaluate(7, 0.25, 50));
        assertEquals(Optional.empty(), rule.evaluate(7, 0.3000001, 50));
    }

    @Test
    void stopsAtMaximumLength() {
        assertEquals(Optional.of(StopReason.MAX_ITEMS), rule.evaluate(12, 0.5, 50));
        assertEquals(Optional.of(StopReason.MAX_ITEMS), rule.evaluate(13, 0.5, 50));
        assertEquals(Optional.empty(), rule.evaluate(11, 0.5, 50));
    }

    @Test
    void stopsWhenBankExhaustedEvenBelowMinimum() {
        assertEquals(Optional.of(StopReason.BANK_EXHAUSTED), rule.evaluate(3, 0.5, 0));
        assertEquals(Optional.of(StopReason.BANK_EXHAUSTED), rule.evaluate(8, 0.5, 0));
    }

    @Test
    void reportsPrecisionBeforeLengthBeforeExhaustion() {
        assertEquals(Optional.of(StopReason.STANDARD_ERROR), rule.evaluate(12, 0.2, 0));
        assertEquals(Optional.of(StopReason.MAX_ITEMS), rule.evaluate(12, 0.5, 0));
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new StoppingRule(0, 12, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new StoppingRule(5, 4, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new StoppingRule(4, 12, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new StoppingRule(4, 12, Double.NaN));
    }
}
