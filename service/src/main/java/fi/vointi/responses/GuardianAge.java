package fi.vointi.responses;

import java.time.LocalDate;
import java.time.Period;

/**
 * The age rule for a young person's own answers (README, "Guardians and young people"): answers given at or above the
 * age limit are closed to the guardians. Without a birth date the rule cannot apply and the answers stay open, as
 * before the rule existed; a county whose identity provider asserts {@code birthdate} gets the rule for every login.
 */
public final class GuardianAge {
    private GuardianAge() {
    }

    public static boolean closedToGuardians(LocalDate birthDate, LocalDate answeredOn, int ageLimit) {
        if (birthDate == null || birthDate.isAfter(answeredOn)) {
            return false;
        }
        return Period.between(birthDate, answeredOn).getYears() >= ageLimit;
    }
}
