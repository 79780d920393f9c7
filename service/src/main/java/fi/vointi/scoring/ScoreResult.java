package fi.vointi.scoring;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The result of one score for one response: either a value (with an optional standard error and band)
 * or no value and the reason.
 *
 * @param code          the score's code
 * @param display       the score's display
 * @param unit          UCUM unit of the value
 * @param value         the final value, or null when there is none
 * @param standardError the standard error of the value, or null
 * @param band          the interpretation band containing the value, or null (no bands, or a value between bands)
 * @param noValueReason why there is no value, or null when there is one
 * @param answered      how many of the score's items were answered
 * @param items         how many items the score has
 */
public record ScoreResult(String code, String display, String unit, BigDecimal value, BigDecimal standardError,
                          Band band, NoValueReason noValueReason, int answered, int items) {

    public ScoreResult {
        if ((value == null) == (noValueReason == null)) {
            throw new IllegalArgumentException("a score result has either a value or a reason for having none");
        }
    }

    public boolean hasValue() {
        return value != null;
    }

    public Optional<BigDecimal> optionalValue() {
        return Optional.ofNullable(value);
    }

    public Optional<BigDecimal> optionalStandardError() {
        return Optional.ofNullable(standardError);
    }

    public Optional<Band> optionalBand() {
        return Optional.ofNullable(band);
    }
}
