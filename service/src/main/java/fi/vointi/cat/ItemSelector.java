package fi.vointi.cat;

import java.util.random.RandomGenerator;

/**
 * Chooses the next item from a bank that has not yet been administered.
 *
 * <p>Criteria: MFI (information at the current estimate) or MPWI (information averaged over the
 * current posterior). Before any answer the posterior is the prior, so MPWI chooses the first item by
 * prior-weighted information (as CHOIR and Assessment Center do) and MFI by information at the start theta.
 *
 * <p>Randomesque exposure control (Kingsbury &amp; Zara 1989): the next item is drawn uniformly from the
 * k most informative remaining items; k = 1 is deterministic and never touches the random generator.
 * Ties are broken by bank order (the earlier item ranks higher), so results do not depend on hashing
 * or sort stability.
 *
 * <p>Immutable and thread-safe; per-call scratch space lives in the (per-request) {@link Posterior}.
 */
public final class ItemSelector {

    /** Returned by {@link #select} when every bank item has been administered. */
    public static final int NONE = -1;

    private final SelectionMethod method;
    private final int randomesque;

    /**
     * @param method      selection criterion
     * @param randomesque size k of the candidate set the item is drawn from (1 = best item)
     */
    public ItemSelector(SelectionMethod method, int randomesque) {
        if (method == null) {
            throw new IllegalArgumentException("selection method is required");
        }
        if (randomesque < 1) {
            throw new IllegalArgumentException("randomesque k must be >= 1, was " + randomesque);
        }
        this.method = method;
        this.randomesque = randomesque;
    }

    public SelectionMethod method() {
        return method;
    }

    public int randomesque() {
        return randomesque;
    }

    /**
     * Index (in bank order) of the next item, or {@link #NONE} if the bank is exhausted.
     *
     * @param posterior posterior bound to {@link BankTables}; also says which items were administered
     * @param theta     current theta estimate (MFI), or the start theta before any answer
     * @param random    source for the randomesque draw; may be null when k = 1
     */
    public int select(Posterior posterior, double theta, RandomGenerator random) {
        BankTables tables = posterior.tablesOrNull();
        if (tables == null) {
            throw new IllegalArgumentException("item selection needs a posterior bound to bank tables");
        }
        ItemBank bank = tables.bank();
        boolean posteriorWeighted = method == SelectionMethod.MAX_POSTERIOR_INFO;
        double[] weights = posteriorWeighted ? posterior.normalisedWeights() : null;

        if (randomesque == 1) {
            int best = NONE;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < bank.size(); i++) {
                if (posterior.isAdministered(i)) {
                    continue;
                }
                double value = posteriorWeighted
                        ? weightedInformation(weights, tables.informationRow(i))
                        : bank.item(i).information(theta);
                if (best == NONE || value > bestValue) {
                    best = i;
                    bestValue = value;
                }
            }
            return best;
        }

        // Keep the k best in descending order; insertion is O(k) and k is small.
        int[] topIndices = posterior.topIndices(randomesque);
        double[] topValues = posterior.topValues();
        int count = 0;
        for (int i = 0; i < bank.size(); i++) {
            if (posterior.isAdministered(i)) {
                continue;
            }
            double value = posteriorWeighted
                    ? weightedInformation(weights, tables.informationRow(i))
                    : bank.item(i).information(theta);
            if (count == randomesque && !(value > topValues[count - 1])) {
                continue;
            }
            int position = Math.min(count, randomesque - 1);
            // Strictly greater moves ahead, so equal values keep bank order.
            while (position > 0 && value > topValues[position - 1]) {
                topValues[position] = topValues[position - 1];
                topIndices[position] = topIndices[position - 1];
                position--;
            }
            topValues[position] = value;
            topIndices[position] = i;
            if (count < randomesque) {
                count++;
            }
        }
        if (count == 0) {
            return NONE;
        }
        if (count == 1) {
            return topIndices[0];
        }
        if (random == null) {
            throw new IllegalArgumentException("randomesque selection with k > 1 needs a random generator");
        }
        return topIndices[random.nextInt(count)];
    }

    /**
     * Selection among {@code eligible} items (null: every item not yet administered) with optional Sympson-Hetter
     * exposure control: the eligible items are ranked by the criterion (ties in bank order) and taken in turn, item i
     * with probability {@code exposure[i]} (one draw from {@code random} per item whose parameter is below 1); when
     * every one is passed over, the best is taken. Without exposure parameters this is {@link #select} restricted
     * to the eligible items, randomesque included.
     *
     * @param eligible per bank index, whether the item may be chosen (must exclude administered items); or null
     * @param exposure Sympson-Hetter parameters per bank index, or null for none
     */
    public int select(Posterior posterior, double theta, RandomGenerator random, boolean[] eligible, double[] exposure) {
        if (eligible == null && exposure == null) {
            return select(posterior, theta, random);
        }
        BankTables tables = posterior.tablesOrNull();
        if (tables == null) {
            throw new IllegalArgumentException("item selection needs a posterior bound to bank tables");
        }
        ItemBank bank = tables.bank();
        double[] weights = method == SelectionMethod.MAX_POSTERIOR_INFO ? posterior.normalisedWeights() : null;
        int count = 0;
        int[] candidates = new int[bank.size()];
        double[] values = new double[bank.size()];
        for (int i = 0; i < bank.size(); i++) {
            if (posterior.isAdministered(i) || (eligible != null && !eligible[i])) {
                continue;
            }
            candidates[count] = i;
            values[i] = weights != null ? weightedInformation(weights, tables.informationRow(i)) : bank.item(i).information(theta);
            count++;
        }
        if (count == 0) {
            return NONE;
        }
        Integer[] order = new Integer[count];
        for (int c = 0; c < count; c++) {
            order[c] = candidates[c];
        }
        // Stable sort: equal values keep bank order.
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        if (exposure == null) {
            int k = Math.min(randomesque, count);
            if (k == 1) {
                return order[0];
            }
            if (random == null) {
                throw new IllegalArgumentException("randomesque selection with k > 1 needs a random generator");
            }
            return order[random.nextInt(k)];
        }
        if (random == null) {
            throw new IllegalArgumentException("Sympson-Hetter exposure control needs a random generator");
        }
        for (int c = 0; c < count; c++) {
            int item = order[c];
            if (exposure[item] >= 1.0 || random.nextDouble() < exposure[item]) {
                return item;
            }
        }
        return order[0];
    }

    private static double weightedInformation(double[] weights, double[] information) {
        double sum = 0.0;
        for (int q = 0; q < weights.length; q++) {
            sum += weights[q] * information[q];
        }
        return sum;
    }
}
