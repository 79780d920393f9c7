package fi.vointi.cat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * EAP summed-score conversion table (Thissen, Pommerich, Billeaud &amp; Williams 1995): the likelihood
 * of each summed score at every quadrature point comes from the Lord &amp; Wingersky (1984) recursion,
 * and EAP[theta | sum] and the posterior SD follow by quadrature against the prior.
 *
 * <p>P(S = s | theta) is a probability distribution at each point, so it needs no rescaling; entries
 * that underflow are negligible next to the mass at other points.
 *
 * @param itemIds             ids of the items that make up the sum, in bank order
 * @param categoryScoreOffset score of the lowest category of each item (e.g. 1 for items scored 1..5)
 * @param rows                one row per possible raw sum, ascending
 */
public record SumScoreTable(List<String> itemIds, int categoryScoreOffset, List<SumScoreRow> rows) {

    public SumScoreTable {
        itemIds = List.copyOf(itemIds);
        rows = List.copyOf(rows);
    }

    /**
     * Builds the table for {@code items}.
     *
     * @param categoryScoreOffset points scored by category 0 of each item; raw sum = sum of 0-based
     *                            categories + items x offset
     */
    public static SumScoreTable build(List<? extends IrtItem> items, int categoryScoreOffset, QuadratureGrid grid,
                                      NormalPrior prior, ScoreScale scale) {
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("a sum-score table needs at least one item");
        }
        int maxSum = LordWingersky.maxSum(items);
        int points = grid.points();
        double[] nodes = grid.nodes();
        double[] priorWeights = normalisedPrior(prior, grid);
        int maxCategories = 2;
        for (IrtItem item : items) {
            maxCategories = Math.max(maxCategories, item.categories());
        }
        // joint[q][s] = prior_q * P(S = s | theta_q)
        double[][] joint = new double[points][maxSum + 1];
        double[] probabilities = new double[maxCategories];
        for (int q = 0; q < points; q++) {
            LordWingersky.distribute(items, nodes[q], joint[q], probabilities);
            for (int s = 0; s <= maxSum; s++) {
                joint[q][s] *= priorWeights[q];
            }
        }
        int rawOffset = items.size() * categoryScoreOffset;
        List<SumScoreRow> rows = new ArrayList<>(maxSum + 1);
        for (int s = 0; s <= maxSum; s++) {
            double marginal = 0.0;
            double first = 0.0;
            for (int q = 0; q < points; q++) {
                marginal += joint[q][s];
                first += joint[q][s] * nodes[q];
            }
            if (!(marginal > 0)) {
                throw new IllegalStateException("summed score " + (s + rawOffset)
                        + " has no probability on the quadrature grid; widen the grid");
            }
            double mean = first / marginal;
            double variance = 0.0;
            for (int q = 0; q < points; q++) {
                double d = nodes[q] - mean;
                variance += joint[q][s] * d * d;
            }
            double sd = Math.sqrt(variance / marginal);
            rows.add(new SumScoreRow(s + rawOffset, mean, sd, scale.score(mean), scale.standardError(sd), marginal));
        }
        List<String> ids = new ArrayList<>(items.size());
        for (IrtItem item : items) {
            ids.add(item.id());
        }
        return new SumScoreTable(ids, categoryScoreOffset, rows);
    }

    /** Builds the table with the grid, prior and reporting scale of a CAT design. */
    public static SumScoreTable build(List<? extends IrtItem> items, int categoryScoreOffset, CatDesign design) {
        return build(items, categoryScoreOffset, design.grid(), design.prior(), design.scoreScale());
    }

    /**
     * The table for only the answered items of a bank, so that a form with missing answers is scored on
     * the items actually answered (their sum looked up in this table).
     */
    public static SumScoreTable forAnsweredItems(ItemBank bank, Collection<String> answeredItemIds,
                                                 int categoryScoreOffset, QuadratureGrid grid, NormalPrior prior,
                                                 ScoreScale scale) {
        if (answeredItemIds == null || answeredItemIds.isEmpty()) {
            throw new IllegalArgumentException("no answered items to score");
        }
        return build(bank.subset(answeredItemIds).items(), categoryScoreOffset, grid, prior, scale);
    }

    public int minRawSum() {
        return rows.get(0).rawSum();
    }

    public int maxRawSum() {
        return rows.get(rows.size() - 1).rawSum();
    }

    /** @throws IllegalArgumentException if the sum is impossible for these items */
    public SumScoreRow row(int rawSum) {
        if (rawSum < minRawSum() || rawSum > maxRawSum()) {
            throw new IllegalArgumentException("raw sum " + rawSum + " outside " + minRawSum() + ".." + maxRawSum());
        }
        return rows.get(rawSum - minRawSum());
    }

    private static double[] normalisedPrior(NormalPrior prior, QuadratureGrid grid) {
        double[] weights = prior.logWeights(grid);
        double max = Double.NEGATIVE_INFINITY;
        for (double w : weights) {
            max = Math.max(max, w);
        }
        double sum = 0.0;
        for (int q = 0; q < weights.length; q++) {
            weights[q] = Math.exp(weights[q] - max);
            sum += weights[q];
        }
        for (int q = 0; q < weights.length; q++) {
            weights[q] /= sum;
        }
        return weights;
    }
}
