package fi.vointi.cat;

import java.util.List;

/**
 * Scores a response pattern by EAP or MAP under a normal prior on a quadrature grid. Immutable and
 * thread-safe; the per-pattern state lives in a {@link Posterior}.
 */
public final class ThetaEstimator {

    private final QuadratureGrid grid;
    private final NormalPrior prior;
    private final EstimationMethod method;

    public ThetaEstimator(QuadratureGrid grid, NormalPrior prior, EstimationMethod method) {
        if (grid == null || prior == null || method == null) {
            throw new IllegalArgumentException("grid, prior and method are required");
        }
        this.grid = grid;
        this.prior = prior;
        this.method = method;
    }

    public QuadratureGrid grid() {
        return grid;
    }

    public NormalPrior prior() {
        return prior;
    }

    public EstimationMethod method() {
        return method;
    }

    /** An empty posterior (prior only) for free-standing items. */
    public Posterior newPosterior() {
        return new Posterior(grid, prior);
    }

    /** An empty posterior over a precomputed bank; the tables must use this estimator's grid. */
    public Posterior newPosterior(BankTables tables) {
        if (!tables.grid().equals(grid)) {
            throw new IllegalArgumentException("bank tables use grid " + tables.grid() + " but the estimator uses "
                    + grid);
        }
        return new Posterior(tables, prior);
    }

    public Estimate estimate(Posterior posterior) {
        return method == EstimationMethod.EAP ? posterior.eap() : posterior.map();
    }

    /**
     * Scores the answers {@code categories[i]} (0-based) to {@code items.get(i)}.
     *
     * @throws IllegalArgumentException if the lengths differ or a category is out of range
     */
    public Estimate estimate(List<? extends IrtItem> items, int[] categories) {
        if (items.size() != categories.length) {
            throw new IllegalArgumentException(items.size() + " items but " + categories.length + " answers");
        }
        Posterior posterior = newPosterior();
        for (int i = 0; i < categories.length; i++) {
            posterior.update(items.get(i), categories[i]);
        }
        return estimate(posterior);
    }
}
