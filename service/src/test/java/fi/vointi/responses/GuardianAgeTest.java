package fi.vointi.responses;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardianAgeTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

    @Test
    void closedFromTheBirthdayOfTheAgeLimitOn() {
        assertFalse(GuardianAge.closedToGuardians(LocalDate.of(2016, 12, 2), TODAY, 10), "9 years, 364 days");
        assertTrue(GuardianAge.closedToGuardians(LocalDate.of(2016, 12, 1), TODAY, 10), "10 today");
        assertTrue(GuardianAge.closedToGuardians(LocalDate.of(2011, 3, 14), TODAY, 10), "15");
        assertFalse(GuardianAge.closedToGuardians(LocalDate.of(2011, 3, 14), TODAY, 16), "15 under a county limit of 16");
    }

    @Test
    void withoutABirthDateTheRuleCannotApply() {
        assertFalse(GuardianAge.closedToGuardians(null, TODAY, 10));
        assertFalse(GuardianAge.closedToGuardians(LocalDate.of(2030, 1, 1), TODAY, 10), "a birth date in the future is no birth date");
    }
}
