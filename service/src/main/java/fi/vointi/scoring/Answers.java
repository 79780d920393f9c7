package fi.vointi.scoring;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The scoreable answers of one response: linkId to the answer's item value (its ordinal value, before
 * any reverse scoring). Items not in the map are unanswered.
 */
public record Answers(Map<String, BigDecimal> values) {

    public Answers {
        Map<String, BigDecimal> copy = new HashMap<>();
        values.forEach((linkId, value) -> copy.put(Objects.requireNonNull(linkId, "linkId"),
                Scores.normalise(Objects.requireNonNull(value, "value of " + linkId))));
        values = Map.copyOf(copy);
    }

    public static Answers of(Map<String, ? extends Number> values) {
        Map<String, BigDecimal> converted = new HashMap<>();
        values.forEach((linkId, value) -> converted.put(linkId, value instanceof BigDecimal d ? d
                : new BigDecimal(value.toString())));
        return new Answers(converted);
    }

    public Optional<BigDecimal> value(String linkId) {
        return Optional.ofNullable(values.get(linkId));
    }
}
