package fi.vointi.analytics;

/**
 * Results of one agreement statement (1 = fully disagree … 5 = fully agree) for one group: n, mean,
 * the distribution of answers 1..5 and the share agreeing (answers 4 and 5) in per cent, all of the 1..5 answers
 * only; the "can't say" answers are counted apart ({@code cantSay}) and are in none of the other figures.
 * {@code mean} and {@code agreePercent} are null when every answer was "can't say" (n = 0).
 */
public record StatementSummary(int n, Double mean, int[] counts, Double agreePercent, int cantSay) {

    /** @param counts the numbers of answers 1, 2, 3, 4 and 5 (five non-negative values, not all zero) */
    public static StatementSummary of(int... counts) {
        return of(counts, 0);
    }

    /**
     * @param counts  the numbers of answers 1, 2, 3, 4 and 5 (five non-negative values)
     * @param cantSay the number of "can't say" answers (non-negative; with the counts, not all zero)
     */
    public static StatementSummary of(int[] counts, int cantSay) {
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
        if (cantSay < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        if (n == 0 && cantSay == 0) {
            throw new IllegalArgumentException("no answers: the summary is undefined");
        }
        if (n == 0) {
            return new StatementSummary(0, null, counts.clone(), null, cantSay);
        }
        return new StatementSummary(n, (double) sum / n, counts.clone(), 100.0 * (counts[3] + counts[4]) / n, cantSay);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }
}
