package fi.vointi.feedback;

/**
 * Systematic sampling of visits, deterministic so that it can be tested and reasoned about: the visits of a unit that
 * could get a feedback SMS are numbered 1, 2, 3, … (a counter in the database, across days and instances), and visit
 * {@code n} is picked when {@code floor(n × share)} grows at {@code n}. Of any run of visits at most
 * {@code share × length} rounded up are picked, of the first {@code n} exactly {@code floor(n × share)}; arrival order
 * decides, so no person is left out for good (a random choice per person could be). Shares are whole parts per
 * million, so the arithmetic is exact.
 */
public final class PostVisitSampling {
    static final long MILLION = 1_000_000L;

    private PostVisitSampling() {
    }

    public static long partsPerMillion(double share) {
        return Math.round(share * MILLION);
    }

    /** Whether the visit with number {@code n} (1-based) is picked at {@code ppm} parts per million. */
    public static boolean picked(long n, long ppm) {
        if (n < 1) {
            throw new IllegalArgumentException("visits are numbered from 1");
        }
        return Math.multiplyExact(n, ppm) / MILLION > Math.multiplyExact(n - 1, ppm) / MILLION;
    }
}
