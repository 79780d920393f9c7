package fi.vointi.cat;

import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;

import java.util.Arrays;

/**
 * The log posterior of theta over a quadrature grid for one respondent: log prior plus
 * sum_i log P_{x_i}(theta_q). Adding an answer costs O(grid points); with {@link BankTables} it is a
 * single array addition, which is the CAT hot path.
 *
 * <p>Working in log space means no underflow however long or extreme the response pattern is; the
 * weights are rescaled by the maximum before exponentiating.
 *
 * <p>Mutable and NOT thread-safe: create one per request (or per simulated respondent).
 */
public final class Posterior {

    private final QuadratureGrid grid;
    private final NormalPrior prior;
    private final BankTables tables; // null when scoring free-standing items
    private final double[] nodes;
    private final double[] logPosterior;
    private final double[] weights;
    private boolean weightsCurrent;
    private final boolean[] administered;
    private IrtItem[] answeredItems;
    private int[] answeredCategories;
    private int answeredCount;
    private double[] categoryBuffer;
    // Scratch for randomesque top-k selection, owned here because this object is per-request.
    private int[] topIndices;
    private double[] topValues;

    /** A posterior for free-standing items (log probabilities are computed over the grid on update). */
    public Posterior(QuadratureGrid grid, NormalPrior prior) {
        this(grid, prior, null, prior.logWeights(grid));
    }

    /** A posterior over the items of a precomputed bank (fast path). */
    public Posterior(BankTables tables, NormalPrior prior) {
        this(tables.grid(), prior, tables, prior.logWeights(tables.grid()));
    }

    /** For callers that cache the prior log-weights; {@code priorLogWeights} is copied. */
    Posterior(QuadratureGrid grid, NormalPrior prior, BankTables tables, double[] priorLogWeights) {
        if (grid == null || prior == null) {
            throw new IllegalArgumentException("grid and prior are required");
        }
        this.grid = grid;
        this.prior = prior;
        this.tables = tables;
        this.nodes = tables != null ? tables.nodesView() : grid.nodes();
        this.logPosterior = priorLogWeights.clone();
        this.weights = new double[grid.points()];
        int capacity = tables != null ? Math.min(tables.bank().size(), 64) : 16;
        this.administered = tables != null ? new boolean[tables.bank().size()] : null;
        this.answeredItems = new IrtItem[capacity];
        this.answeredCategories = new int[capacity];
        this.categoryBuffer = new double[tables != null ? tables.bank().maxCategories() : 2];
    }

    public QuadratureGrid grid() {
        return grid;
    }

    public NormalPrior prior() {
        return prior;
    }

    /** Number of answers added so far. */
    public int answeredCount() {
        return answeredCount;
    }

    /** Whether bank item {@code bankIndex} has been answered (requires bank tables). */
    public boolean isAdministered(int bankIndex) {
        requireTables();
        return administered[bankIndex];
    }

    /** Adds the answer {@code category} (0-based) to bank item {@code bankIndex}: O(grid points), no allocation. */
    public void update(int bankIndex, int category) {
        requireTables();
        if (bankIndex < 0 || bankIndex >= administered.length) {
            throw new IllegalArgumentException("bank index " + bankIndex + " outside 0.." + (administered.length - 1));
        }
        IrtItem item = tables.bank().item(bankIndex);
        requireCategory(item, category);
        if (administered[bankIndex]) {
            throw new IllegalArgumentException("item '" + item.id() + "' has already been answered");
        }
        double[] row = tables.logProbabilityRow(bankIndex, category);
        for (int q = 0; q < logPosterior.length; q++) {
            logPosterior[q] += row[q];
        }
        administered[bankIndex] = true;
        record(item, category);
    }

    /**
     * Adds the answer {@code category} (0-based) to {@code item}. Uses the precomputed tables when the
     * item belongs to the bank; otherwise evaluates the item's log probabilities over the grid.
     */
    public void update(IrtItem item, int category) {
        if (item == null) {
            throw new IllegalArgumentException("item is required");
        }
        if (tables != null) {
            int index = tables.bank().indexOf(item.id());
            if (index >= 0) {
                if (!tables.bank().item(index).equals(item)) {
                    throw new IllegalArgumentException("item '" + item.id()
                            + "' differs from the bank's item with the same id");
                }
                update(index, category);
                return;
            }
        }
        requireCategory(item, category);
        double[] buffer = buffer(item.categories());
        for (int q = 0; q < logPosterior.length; q++) {
            item.logProbabilities(nodes[q], buffer);
            logPosterior[q] += buffer[category];
        }
        record(item, category);
    }

    /** EAP: posterior mean over the grid and posterior SD as its standard error (Bock &amp; Mislevy 1982). */
    public Estimate eap() {
        double[] w = normalisedWeights();
        double mean = 0.0;
        for (int q = 0; q < w.length; q++) {
            mean += w[q] * nodes[q];
        }
        double variance = 0.0; // second pass around the mean: no cancellation
        for (int q = 0; q < w.length; q++) {
            double d = nodes[q] - mean;
            variance += w[q] * d * d;
        }
        return new Estimate(mean, Math.sqrt(variance));
    }

    /**
     * MAP: the posterior mode within [grid min, grid max], SE = 1/sqrt(sum_i I_i(mode) + 1/sd^2).
     *
     * <p>The log posterior is strictly concave for the GRM, GPCM and 2PL with a normal prior, so the
     * mode lies between the neighbours of the best grid point; Brent's method (Commons Math) refines it
     * there using exact log probabilities. If the mode lies beyond the grid the bound is returned,
     * which is finite by construction (extreme all-lowest / all-highest patterns).
     */
    public Estimate map() {
        double mode;
        if (answeredCount == 0) {
            mode = Math.min(grid.max(), Math.max(grid.min(), prior.mean()));
        } else {
            int best = 0;
            for (int q = 1; q < logPosterior.length; q++) {
                if (logPosterior[q] > logPosterior[best]) {
                    best = q;
                }
            }
            double lower = nodes[Math.max(0, best - 1)];
            double upper = nodes[Math.min(nodes.length - 1, best + 1)];
            UnivariatePointValuePair optimum = new BrentOptimizer(1e-10, 1e-10).optimize(
                    new MaxEval(1000),
                    new UnivariateObjectiveFunction(this::logPosteriorAt),
                    GoalType.MAXIMIZE,
                    new SearchInterval(lower, upper, nodes[best]));
            mode = optimum.getPoint();
            double value = optimum.getValue();
            // Brent stops within its tolerance of a bound; take the bound itself if it is at least as good.
            for (double bound : new double[] {lower, upper}) {
                double boundValue = logPosteriorAt(bound);
                if (boundValue > value) {
                    value = boundValue;
                    mode = bound;
                }
            }
        }
        double information = 1.0 / (prior.sd() * prior.sd());
        for (int i = 0; i < answeredCount; i++) {
            information += answeredItems[i].information(mode);
        }
        return new Estimate(mode, 1.0 / Math.sqrt(information));
    }

    /** Exact log posterior at any theta (up to the same additive constant as the grid values). */
    public double logPosteriorAt(double theta) {
        double value = prior.logDensity(theta);
        for (int i = 0; i < answeredCount; i++) {
            IrtItem item = answeredItems[i];
            double[] buffer = buffer(item.categories());
            item.logProbabilities(theta, buffer);
            value += buffer[answeredCategories[i]];
        }
        return value;
    }

    /** Normalised posterior weights at the grid points (a copy). */
    public double[] posteriorWeights() {
        return normalisedWeights().clone();
    }

    /** Unnormalised log posterior at grid point q. */
    public double logPosterior(int q) {
        return logPosterior[q];
    }

    /** Cached normalised weights; internal array, callers must not modify. */
    double[] normalisedWeights() {
        if (!weightsCurrent) {
            double max = Double.NEGATIVE_INFINITY;
            for (double value : logPosterior) {
                max = Math.max(max, value);
            }
            if (!Double.isFinite(max)) {
                throw new IllegalStateException("posterior has no finite mass on the grid");
            }
            double sum = 0.0;
            for (int q = 0; q < weights.length; q++) {
                weights[q] = Math.exp(logPosterior[q] - max);
                sum += weights[q];
            }
            double scale = 1.0 / sum;
            for (int q = 0; q < weights.length; q++) {
                weights[q] *= scale;
            }
            weightsCurrent = true;
        }
        return weights;
    }

    double[] nodesView() {
        return nodes;
    }

    BankTables tablesOrNull() {
        return tables;
    }

    int[] topIndices(int k) {
        if (topIndices == null || topIndices.length < k) {
            topIndices = new int[k];
            topValues = new double[k];
        }
        return topIndices;
    }

    double[] topValues() {
        return topValues;
    }

    private void record(IrtItem item, int category) {
        if (answeredCount == answeredItems.length) {
            answeredItems = Arrays.copyOf(answeredItems, answeredCount * 2);
            answeredCategories = Arrays.copyOf(answeredCategories, answeredCount * 2);
        }
        answeredItems[answeredCount] = item;
        answeredCategories[answeredCount] = category;
        answeredCount++;
        weightsCurrent = false;
    }

    private double[] buffer(int categories) {
        if (categoryBuffer.length < categories) {
            categoryBuffer = new double[categories];
        }
        return categoryBuffer;
    }

    private void requireTables() {
        if (tables == null) {
            throw new IllegalStateException("this posterior is not bound to an item bank");
        }
    }

    private static void requireCategory(IrtItem item, int category) {
        if (category < 0 || category >= item.categories()) {
            throw new IllegalArgumentException("item '" + item.id() + "': category " + category + " outside 0.."
                    + (item.categories() - 1));
        }
    }
}
