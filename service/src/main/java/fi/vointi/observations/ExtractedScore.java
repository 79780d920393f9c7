package fi.vointi.observations;

import fi.vointi.scoring.Band;
import fi.vointi.scoring.NoValueReason;
import fi.vointi.scoring.ScoreResult;

import java.math.BigDecimal;

/**
 * One score of one response, ready to become an Observation: a rule's result, or an adaptive test's final
 * estimate (which also has theta and its SE on the IRT metric).
 */
record ExtractedScore(String key, String display, String unit, BigDecimal value, BigDecimal standardError, Band band,
                      NoValueReason noValueReason, int answered, int items, BigDecimal theta,
                      BigDecimal thetaStandardError) {

    static ExtractedScore of(ScoreResult result) {
        return new ExtractedScore(result.code(), result.display(), result.unit(), result.value(), result.standardError(),
                result.band(), result.noValueReason(), result.answered(), result.items(), null, null);
    }
}
