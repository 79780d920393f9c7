package fi.vointi.cat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All options of an adaptive test. Defaults (see {@link #defaults()}): 4..12 items, stop at SE &lt;= 0.3,
 * maximum-information selection, EAP under N(0, 1) on -4..4 with 81 points, T-scores (50 + 10 theta), no exposure
 * control, first item chosen at theta 0, no content balancing, enemies or theta-change stop. These defaults are kept
 * as they are because a stored bank version that leaves a part out must keep administering (and replaying) the same
 * test; {@link #promisCompatible()} is the design that reproduces CHOIR's PROMIS CAT, which new banks spell out.
 *
 * @param minItems          minimum test length
 * @param maxItems          maximum test length
 * @param standardErrorStop stop when SE &lt;= this (theta metric) after minItems
 * @param selection         item selection criterion
 * @param estimator         EAP or MAP
 * @param priorMean         mean of the normal prior
 * @param priorSd           SD of the normal prior
 * @param quadratureMin     lowest quadrature point
 * @param quadratureMax     highest quadrature point
 * @param quadraturePoints  number of equally spaced quadrature points
 * @param scoreMean         reporting scale score at theta 0
 * @param scoreSd           reporting scale points per logit
 * @param randomesque       randomesque k (1 = always the best item)
 * @param firstItemId       fixed first item, or null to choose by information at startTheta
 * @param startTheta        theta at which the first item is chosen
 * @param randomSeed        per-design seed mixed into the answer-history seed of randomesque draws
 * @param scoreStandardErrorStop stop when the score SE (scoreSd x SE) &lt;= this after minItems, 0 = off; replaces
 *                          standardErrorStop (PROMIS states its rule as 3.0 T-score points)
 * @param scoreDecimals     decimals of the reported score and its SE (rounded half away from zero from the
 *                          unrounded theta), -1 = unrounded
 * @param thetaChangeStop   stop after minItems once theta changed by less than this with the last answer, 0 = off
 * @param previousScorePrior whether the prior mean is taken from the person's previous theta on the bank
 *                          (clamped to +-previousScoreLimit) when the caller passes one
 * @param previousScoreLimit clamp of a previous theta used as the prior mean
 * @param contentTargets    target share of each content domain (sums to 1), in priority order; empty = off
 * @param itemDomains       content domain of each item (required for every item when contentTargets is set)
 * @param enemySets         sets of items of which a test asks at most one
 * @param exposureParameters Sympson-Hetter exposure control parameters K (0 &lt; K &lt;= 1) by item id; items
 *                          not listed have K = 1; empty = off
 */
public record CatDesign(int minItems, int maxItems, double standardErrorStop, SelectionMethod selection,
                        EstimationMethod estimator, double priorMean, double priorSd, double quadratureMin,
                        double quadratureMax, int quadraturePoints, double scoreMean, double scoreSd,
                        int randomesque, String firstItemId, double startTheta, long randomSeed,
                        double scoreStandardErrorStop, int scoreDecimals, double thetaChangeStop,
                        boolean previousScorePrior, double previousScoreLimit, Map<String, Double> contentTargets,
                        Map<String, String> itemDomains, List<Set<String>> enemySets,
                        Map<String, Double> exposureParameters) {

    /** Finest acceptable grid step in theta: coarser grids understate the SE (see docs/adaptive.md). */
    public static final double MAX_QUADRATURE_STEP = 0.2;
    /** The grid must reach this many prior SDs beyond the prior mean on both sides. */
    public static final double PRIOR_SDS_COVERED = 4.0;
    private static final double TOLERANCE = 1e-9;

    private static final CatDesign DEFAULTS = new CatDesign(4, 12, 0.3, SelectionMethod.MAX_INFO,
            EstimationMethod.EAP, 0.0, 1.0, -4.0, 4.0, 81, 50.0, 10.0, 1, null, 0.0, 0L,
            0.0, -1, 0.0, false, 2.0, Map.of(), Map.of(), List.of(), Map.of());

    /**
     * CHOIR's and Assessment Center's PROMIS CAT: 4..12 items, stop at SE &lt;= 3.0 T-score points,
     * posterior-weighted information from the first item on, EAP under N(0, 1) on -4..4 in steps of 0.1,
     * T reported to 1 decimal.
     */
    private static final CatDesign PROMIS = DEFAULTS.toBuilder().selection(SelectionMethod.MAX_POSTERIOR_INFO)
            .standardErrorStop(0.0).scoreStandardErrorStop(3.0).scoreDecimals(1).build();

    public CatDesign {
        // Each part validates itself; constructing them here rejects an invalid design up front.
        new StoppingRule(minItems, maxItems, standardErrorStop);
        new NormalPrior(priorMean, priorSd);
        new QuadratureGrid(quadratureMin, quadratureMax, quadraturePoints);
        new ScoreScale(scoreMean, scoreSd);
        new ItemSelector(selection, randomesque);
        if (estimator == null) {
            throw new IllegalArgumentException("estimator is required");
        }
        if (firstItemId != null && firstItemId.isBlank()) {
            throw new IllegalArgumentException("firstItemId must be null or non-blank");
        }
        if (!Double.isFinite(startTheta)) {
            throw new IllegalArgumentException("startTheta must be finite, was " + startTheta);
        }
        if (selection == SelectionMethod.MAX_POSTERIOR_INFO && startTheta != 0.0) {
            throw new IllegalArgumentException("startTheta applies to max-info only: under max-posterior-info the first"
                    + " item is chosen by prior-weighted information");
        }
        if (!(scoreStandardErrorStop >= 0) || !Double.isFinite(scoreStandardErrorStop)) {
            throw new IllegalArgumentException("scoreStandardErrorStop must be finite and >= 0, was "
                    + scoreStandardErrorStop);
        }
        if (scoreStandardErrorStop > 0 && standardErrorStop > 0) {
            throw new IllegalArgumentException("give the standard error stop either in theta (standardErrorStop) or in"
                    + " score units (scoreStandardErrorStop), not both");
        }
        if (scoreDecimals < -1 || scoreDecimals > 6) {
            throw new IllegalArgumentException("scoreDecimals must be 0..6 (or -1 for unrounded), was " + scoreDecimals);
        }
        if (!(thetaChangeStop >= 0) || !Double.isFinite(thetaChangeStop)) {
            throw new IllegalArgumentException("thetaChangeStop must be finite and >= 0, was " + thetaChangeStop);
        }
        if (!(previousScoreLimit >= 0) || !Double.isFinite(previousScoreLimit)) {
            throw new IllegalArgumentException("previousScoreLimit must be finite and >= 0, was " + previousScoreLimit);
        }
        contentTargets = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(contentTargets, "contentTargets")));
        itemDomains = Map.copyOf(requireNonNull(itemDomains, "itemDomains"));
        List<Set<String>> enemies = new ArrayList<>();
        for (Set<String> set : requireNonNull(enemySets, "enemySets")) {
            if (set == null || set.size() < 2) {
                throw new IllegalArgumentException("an enemy set needs at least two items, was " + set);
            }
            enemies.add(Collections.unmodifiableSet(new LinkedHashSet<>(set)));
        }
        enemySets = List.copyOf(enemies);
        exposureParameters = Map.copyOf(requireNonNull(exposureParameters, "exposureParameters"));
        checkContentTargets(contentTargets, itemDomains);
        exposureParameters.forEach((item, k) -> {
            if (!(k > 0 && k <= 1)) {
                throw new IllegalArgumentException("exposure parameter of item '" + item + "' must be in (0, 1], was " + k);
            }
        });
        if (!exposureParameters.isEmpty() && randomesque > 1) {
            throw new IllegalArgumentException("choose one exposure control: randomesque > 1 or Sympson-Hetter"
                    + " exposure parameters, not both");
        }
        checkGrid(new QuadratureGrid(quadratureMin, quadratureMax, quadraturePoints), priorMean, priorSd,
                previousScorePrior ? previousScoreLimit : 0.0);
    }

    /**
     * The grid must be fine (step at most {@link #MAX_QUADRATURE_STEP}) and wide (prior mean +- 4 prior SD, and with a
     * previous-score prior also +-limit +- 4 SD): a 9-point grid on -4..4 reports SE 0.244 on average where the true
     * RMSE is 0.33, and a narrow grid truncates the posterior of extreme respondents.
     */
    private static void checkGrid(QuadratureGrid grid, double priorMean, double priorSd, double shift) {
        if (grid.step() > MAX_QUADRATURE_STEP + TOLERANCE) {
            throw new IllegalArgumentException("the quadrature grid " + grid.min() + ".." + grid.max() + " in "
                    + grid.points() + " points has step " + grid.step() + "; it must be at most " + MAX_QUADRATURE_STEP
                    + " (coarser grids understate the standard error)");
        }
        double low = (shift > 0 ? Math.min(priorMean, -shift) : priorMean) - PRIOR_SDS_COVERED * priorSd;
        double high = (shift > 0 ? Math.max(priorMean, shift) : priorMean) + PRIOR_SDS_COVERED * priorSd;
        if (grid.min() > low + TOLERANCE || grid.max() < high - TOLERANCE) {
            throw new IllegalArgumentException("the quadrature grid " + grid.min() + ".." + grid.max()
                    + " must cover the prior mean +- 4 prior SD" + (shift > 0 ? " (and +-previousScoreLimit +- 4 SD)" : "")
                    + ", i.e. " + low + ".." + high);
        }
    }

    private static void checkContentTargets(Map<String, Double> targets, Map<String, String> domains) {
        if (targets.isEmpty()) {
            return;
        }
        double sum = 0;
        for (Map.Entry<String, Double> target : targets.entrySet()) {
            double share = target.getValue();
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("content target of domain '" + target.getKey() + "' must be in (0, 1],"
                        + " was " + share);
            }
            sum += share;
        }
        if (Math.abs(sum - 1.0) > 1e-6) {
            throw new IllegalArgumentException("content targets must add up to 1, they add up to " + sum);
        }
        for (Map.Entry<String, String> domain : domains.entrySet()) {
            if (!targets.containsKey(domain.getValue())) {
                throw new IllegalArgumentException("item '" + domain.getKey() + "' has domain '" + domain.getValue()
                        + "', which has no content target");
            }
        }
    }

    private static <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required (use an empty one)");
        }
        return value;
    }

    /** The PROMIS-style defaults listed on the class. */
    public static CatDesign defaults() {
        return DEFAULTS;
    }

    /** CHOIR's PROMIS CAT (see {@link #PROMIS}): what the demo bank and the importer write out. */
    public static CatDesign promisCompatible() {
        return PROMIS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The length and precision rule; its threshold is in score units when scoreStandardErrorStop is set. */
    public StoppingRule stoppingRule() {
        return new StoppingRule(minItems, maxItems, scoreStandardErrorStop > 0 ? scoreStandardErrorStop : standardErrorStop);
    }

    /** Whether the precision rule compares the score SE (scoreSd x theta SE) rather than the theta SE. */
    public boolean stopsOnScoreStandardError() {
        return scoreStandardErrorStop > 0;
    }

    public NormalPrior prior() {
        return new NormalPrior(priorMean, priorSd);
    }

    public QuadratureGrid grid() {
        return new QuadratureGrid(quadratureMin, quadratureMax, quadraturePoints);
    }

    public ScoreScale scoreScale() {
        return new ScoreScale(scoreMean, scoreSd);
    }

    /** Mutable builder starting from the defaults or an existing design. */
    public static final class Builder {
        private int minItems;
        private int maxItems;
        private double standardErrorStop;
        private SelectionMethod selection;
        private EstimationMethod estimator;
        private double priorMean;
        private double priorSd;
        private double quadratureMin;
        private double quadratureMax;
        private int quadraturePoints;
        private double scoreMean;
        private double scoreSd;
        private int randomesque;
        private String firstItemId;
        private double startTheta;
        private long randomSeed;
        private double scoreStandardErrorStop;
        private int scoreDecimals;
        private double thetaChangeStop;
        private boolean previousScorePrior;
        private double previousScoreLimit;
        private Map<String, Double> contentTargets;
        private Map<String, String> itemDomains;
        private List<Set<String>> enemySets;
        private Map<String, Double> exposureParameters;

        private Builder(CatDesign from) {
            minItems = from.minItems;
            maxItems = from.maxItems;
            standardErrorStop = from.standardErrorStop;
            selection = from.selection;
            estimator = from.estimator;
            priorMean = from.priorMean;
            priorSd = from.priorSd;
            quadratureMin = from.quadratureMin;
            quadratureMax = from.quadratureMax;
            quadraturePoints = from.quadraturePoints;
            scoreMean = from.scoreMean;
            scoreSd = from.scoreSd;
            randomesque = from.randomesque;
            firstItemId = from.firstItemId;
            startTheta = from.startTheta;
            randomSeed = from.randomSeed;
            scoreStandardErrorStop = from.scoreStandardErrorStop;
            scoreDecimals = from.scoreDecimals;
            thetaChangeStop = from.thetaChangeStop;
            previousScorePrior = from.previousScorePrior;
            previousScoreLimit = from.previousScoreLimit;
            contentTargets = from.contentTargets;
            itemDomains = from.itemDomains;
            enemySets = from.enemySets;
            exposureParameters = from.exposureParameters;
        }

        public Builder minItems(int value) {
            minItems = value;
            return this;
        }

        public Builder maxItems(int value) {
            maxItems = value;
            return this;
        }

        public Builder standardErrorStop(double value) {
            standardErrorStop = value;
            return this;
        }

        public Builder selection(SelectionMethod value) {
            selection = value;
            return this;
        }

        public Builder estimator(EstimationMethod value) {
            estimator = value;
            return this;
        }

        public Builder priorMean(double value) {
            priorMean = value;
            return this;
        }

        public Builder priorSd(double value) {
            priorSd = value;
            return this;
        }

        public Builder quadrature(double min, double max, int points) {
            quadratureMin = min;
            quadratureMax = max;
            quadraturePoints = points;
            return this;
        }

        public Builder scoreMean(double value) {
            scoreMean = value;
            return this;
        }

        public Builder scoreSd(double value) {
            scoreSd = value;
            return this;
        }

        public Builder randomesque(int value) {
            randomesque = value;
            return this;
        }

        public Builder firstItemId(String value) {
            firstItemId = value;
            return this;
        }

        public Builder startTheta(double value) {
            startTheta = value;
            return this;
        }

        public Builder randomSeed(long value) {
            randomSeed = value;
            return this;
        }

        public Builder scoreStandardErrorStop(double value) {
            scoreStandardErrorStop = value;
            return this;
        }

        public Builder scoreDecimals(int value) {
            scoreDecimals = value;
            return this;
        }

        public Builder thetaChangeStop(double value) {
            thetaChangeStop = value;
            return this;
        }

        /** Takes the prior mean from the previous theta the caller passes, clamped to +-limit. */
        public Builder previousScorePrior(boolean enabled, double limit) {
            previousScorePrior = enabled;
            previousScoreLimit = limit;
            return this;
        }

        /** Content balancing: target share per domain (in priority order) and each item's domain. */
        public Builder contentBalancing(Map<String, Double> targets, Map<String, String> domains) {
            contentTargets = targets;
            itemDomains = domains;
            return this;
        }

        public Builder enemySets(List<Set<String>> value) {
            enemySets = value;
            return this;
        }

        public Builder exposureParameters(Map<String, Double> value) {
            exposureParameters = value;
            return this;
        }

        public CatDesign build() {
            return new CatDesign(minItems, maxItems, standardErrorStop, selection, estimator, priorMean, priorSd,
                    quadratureMin, quadratureMax, quadraturePoints, scoreMean, scoreSd, randomesque, firstItemId,
                    startTheta, randomSeed, scoreStandardErrorStop, scoreDecimals, thetaChangeStop, previousScorePrior,
                    previousScoreLimit, contentTargets, itemDomains, enemySets, exposureParameters);
        }
    }
}
