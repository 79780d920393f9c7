package fi.vointi.cat;

import java.util.Optional;

/**
 * Result of one CAT step: the estimate after the answers so far and either the next item or the
 * reason the test has stopped (exactly one of {@code nextItemId} and {@code stopReason} is non-null).
 *
 * @param estimate          theta estimate and its SE
 * @param score             estimate on the reporting scale (e.g. T-score) and its SE
 * @param itemsAdministered number of answers used
 * @param nextItemId        item to administer next, or null when stopped
 * @param stopReason        why the test stopped, or null when it continues
 */
public record CatStep(Estimate estimate, ScaleScore score, int itemsAdministered, String nextItemId,
                      StopReason stopReason) {

    public CatStep {
        if (estimate == null || score == null) {
            throw new IllegalArgumentException("estimate and score are required");
        }
        if ((nextItemId == null) == (stopReason == null)) {
            throw new IllegalArgumentException("exactly one of nextItemId and stopReason must be set");
        }
    }

    public boolean finished() {
        return stopReason != null;
    }

    public Optional<String> nextItem() {
        return Optional.ofNullable(nextItemId);
    }
}
