package fi.vointi.analytics;

/**
 * Results of one agreement statement (1 = fully disagree … 5 = fully agree) for one group: n, mean,
 * the distribution of answers 1..5 and the share agreeing (answers 4 and 5) in per cent.
 */
public record StatementSummary(int n, double mean, int[] counts, double agreePercent) {

    /** @param counts the numbers of answers 1, 2, 3, 4 and 5 (five non-negative values, not all zero) */
    public static StatementSummary of(int... counts) {
        if (counts.length != 5) {
            throw new IllegalArgumentException("five counts expected (answers 1..5)");
        }
        int n = 0;
        long sum = 0;
        for (int i = 0; i < 5; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
            n += counts[i];
            sum += (long) (i + 1) * counts[i];
        }
        if (n == 0) {
            throw new IllegalArgumentException("no answers: the summary is undefined");
        }
        return new StatementSummary(n, (double) sum / n, counts.clone(), 100.0 * (counts[3] + counts[4]) / n);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }
}
