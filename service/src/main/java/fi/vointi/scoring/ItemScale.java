package fi.vointi.scoring;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The values an item can contribute to a score: one per answer option, ascending and distinct.
 *
 * @param linkId the item
 * @param values the possible item values, ascending, at least two, no repeats
 */
public record ItemScale(String linkId, List<BigDecimal> values) {

    public ItemScale {
        if (linkId == null || linkId.isBlank()) {
            throw new IllegalArgumentException("an item scale needs a linkId");
        }
        if (values == null || values.size() < 2) {
            throw new IllegalArgumentException("item '" + linkId + "' needs at least two possible values");
        }
        List<BigDecimal> normalised = new ArrayList<>(values.size());
        for (BigDecimal value : values) {
            normalised.add(Scores.normalise(Objects.requireNonNull(value, "item value")));
        }
        for (int i = 1; i < normalised.size(); i++) {
            if (normalised.get(i).compareTo(normalised.get(i - 1)) <= 0) {
                throw new IllegalArgumentException("item '" + linkId + "': the values must be ascending and distinct");
            }
        }
        values = List.copyOf(normalised);
    }

    public static ItemScale of(String linkId, int min, int max) {
        List<BigDecimal> values = new ArrayList<>();
        for (int v = min; v <= max; v++) {
            values.add(BigDecimal.valueOf(v));
        }
        return new ItemScale(linkId, values);
    }

    public BigDecimal min() {
        return values.get(0);
    }

    public BigDecimal max() {
        return values.get(values.size() - 1);
    }

    /** Whether every possible value is a whole number. */
    public boolean integral() {
        return values.stream().allMatch(v -> v.scale() == 0); // normalised: whole numbers have scale 0
    }

    /** 0-based position of the value among the possible values (the IRT category), or -1. */
    public int category(BigDecimal value) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).compareTo(value) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Reverse-scored value: max + min - value. */
    public BigDecimal reverse(BigDecimal value) {
        return max().add(min()).subtract(value);
    }
}
