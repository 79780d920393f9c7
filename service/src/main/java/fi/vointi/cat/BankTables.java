package fi.vointi.cat;

/**
 * Per-item tables over a quadrature grid, computed once per (bank, grid) and then shared by every
 * request: log P_k(theta_q) for the posterior update and I_i(theta_q) for posterior-weighted
 * information. Immutable after construction and therefore thread-safe.
 *
 * <p>Layout is [item][category][point] so that adding one answer to a posterior is a single
 * contiguous loop over the grid.
 */
public final class BankTables {

    private final ItemBank bank;
    private final QuadratureGrid grid;
    private final double[] nodes;
    private final double[][][] logProbability;
    private final double[][] information;

    private BankTables(ItemBank bank, QuadratureGrid grid) {
        this.bank = bank;
        this.grid = grid;
        this.nodes = grid.nodes();
        int points = grid.points();
        this.logProbability = new double[bank.size()][][];
        this.information = new double[bank.size()][points];
        double[] buffer = new double[bank.maxCategories()];
        for (int i = 0; i < bank.size(); i++) {
            IrtItem item = bank.item(i);
            int categories = item.categories();
            double[][] table = new double[categories][points];
            for (int q = 0; q < points; q++) {
                item.logProbabilities(nodes[q], buffer);
                for (int k = 0; k < categories; k++) {
                    table[k][q] = buffer[k];
                }
                information[i][q] = item.information(nodes[q]);
            }
            logProbability[i] = table;
        }
    }

    public static BankTables build(ItemBank bank, QuadratureGrid grid) {
        if (bank == null || grid == null) {
            throw new IllegalArgumentException("bank and grid are required");
        }
        return new BankTables(bank, grid);
    }

    public ItemBank bank() {
        return bank;
    }

    public QuadratureGrid grid() {
        return grid;
    }

    /** log P_category(theta_q) of bank item {@code item}. */
    public double logProbability(int item, int category, int q) {
        return logProbability[item][category][q];
    }

    /** Fisher information of bank item {@code item} at theta_q. */
    public double information(int item, int q) {
        return information[item][q];
    }

    // Package-private views of the shared arrays for the hot path; callers must not write to them.

    double[] nodesView() {
        return nodes;
    }

    double[] logProbabilityRow(int item, int category) {
        return logProbability[item][category];
    }

    double[] informationRow(int item) {
        return information[item];
    }
}
