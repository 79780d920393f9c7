package fi.vointi.cat;

/**
 * All options of an adaptive test. Defaults (see {@link #defaults()}) follow PROMIS CATs: 4..12 items,
 * stop at SE &lt;= 0.3, maximum-information selection, EAP under N(0, 1) on -4..4 with 81 points,
 * T-scores (50 + 10 theta), no exposure control, first item chosen at theta 0.
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
 */
public record CatDesign(int minItems, int maxItems, double standardErrorStop, SelectionMethod selection,
                        EstimationMethod estimator, double priorMean, double priorSd, double quadratureMin,
                        double quadratureMax, int quadraturePoints, double scoreMean, double scoreSd,
                        int randomesque, String firstItemId, double startTheta, long randomSeed) {

    private static final CatDesign DEFAULTS = new CatDesign(4, 12, 0.3, SelectionMethod.MAX_INFO,
            EstimationMethod.EAP, 0.0, 1.0, -4.0, 4.0, 81, 50.0, 10.0, 1, null, 0.0, 0L);

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
    }

    /** The PROMIS-style defaults listed on the class. */
    public static CatDesign defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public StoppingRule stoppingRule() {
        return new StoppingRule(minItems, maxItems, standardErrorStop);
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

        public CatDesign build() {
            return new CatDesign(minItems, maxItems, standardErrorStop, selection, estimator, priorMean, priorSd,
                    quadratureMin, quadratureMax, quadraturePoints, scoreMean, scoreSd, randomesque, firstItemId,
                    startTheta, randomSeed);
        }
    }
}
