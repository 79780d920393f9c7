package fi.vointi.scoring;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An interpretation band: a final value v is in the band when low &lt;= v &lt;= high.
 *
 * @param code    band code (e.g. mild), unique within the score
 * @param display human-readable label
 * @param low     lowest value in the band (inclusive)
 * @param high    highest value in the band (inclusive)
 */
public record Band(String code, String display, BigDecimal low, BigDecimal high) {

    public Band {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("a band needs a code");
        }
        Objects.requireNonNull(low, "band low");
        Objects.requireNonNull(high, "band high");
        if (low.compareTo(high) > 0) {
            throw new IllegalArgumentException("band '" + code + "': low " + low.toPlainString() + " is above high "
                    + high.toPlainString());
        }
        low = Scores.normalise(low);
        high = Scores.normalise(high);
    }

    public boolean contains(BigDecimal value) {
        return low.compareTo(value) <= 0 && value.compareTo(high) <= 0;
    }
}
