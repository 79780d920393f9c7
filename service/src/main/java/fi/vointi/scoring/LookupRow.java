package fi.vointi.scoring;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One row of a raw-score conversion table.
 *
 * @param raw           the raw (prorated and rounded) sum
 * @param value         the reported value, e.g. a T-score
 * @param standardError its standard error, or null when the table gives none
 */
public record LookupRow(int raw, BigDecimal value, BigDecimal standardError) {

    public LookupRow {
        value = Scores.normalise(Objects.requireNonNull(value, "lookup value"));
        if (standardError != null) {
            if (standardError.signum() < 0) {
                throw new IllegalArgumentException("lookup row " + raw + ": the standard error must not be negative");
            }
            standardError = Scores.normalise(standardError);
        }
    }
}
