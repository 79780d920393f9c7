package fi.vointi.cat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Stateless adaptive-test step: from a bank, a design and the answers so far, rebuild the posterior,
 * estimate theta, decide whether to stop and otherwise pick the next item.
 *
 * <p>Construct once per (bank, design) and share: construction precomputes the {@link BankTables}
 * (the expensive part), after which {@link #next} is immutable-state, thread-safe and costs
 * O(answers x grid points + bank size x item cost).
 *
 * <p>Randomesque and Sympson-Hetter draws are seeded from the design seed, a caller-supplied salt and the full answer
 * history (item ids and categories, in order), so the same request yields the same next item on any
 * server instance and JVM. Note that without a salt every respondent with the same history gets the
 * same draw, which includes the first item; pass a per-session salt (e.g. derived from the session id)
 * to spread exposure across respondents.
 */
public final class CatEngine {

    private static final long FNV_PRIME = 0x100000001B3L;

    private final BankTables tables;
    private final CatDesign design;
    private final StoppingRule stoppingRule;
    private final ItemSelector selector;
    private final ThetaEstimator estimator;
    private final ScoreScale scoreScale;
    private final NormalPrior prior;
    private final double[] priorLogWeights;
    private final int firstItemIndex;
    private final int[][] enemies;
    private final double[] targets;
    private final int[] domainOf;
    private final double[] exposure;

    /** Precomputes the bank tables for the design's grid. */
    public CatEngine(ItemBank bank, CatDesign design) {
        this(BankTables.build(bank, design.grid()), design);
    }

    /** Reuses tables built for the same grid (e.g. several designs over one bank). */
    public CatEngine(BankTables tables, CatDesign design) {
        if (tables == null || design == null) {
            throw new IllegalArgumentException("tables and design are required");
        }
        if (!tables.grid().equals(design.grid())) {
            throw new IllegalArgumentException("bank tables were built for grid " + tables.grid()
                    + " but the design uses " + design.grid());
        }
        this.tables = tables;
        this.design = design;
        this.stoppingRule = design.stoppingRule();
        this.selector = new ItemSelector(design.selection(), design.randomesque());
        this.prior = design.prior();
        this.estimator = new ThetaEstimator(design.grid(), prior, design.estimator());
        this.scoreScale = design.scoreScale();
        this.priorLogWeights = prior.logWeights(design.grid());
        if (design.firstItemId() != null) {
            this.firstItemIndex = tables.bank().indexOf(design.firstItemId());
            if (firstItemIndex < 0) {
                throw new IllegalArgumentException("first item '" + design.firstItemId() + "' is not in the bank");
            }
        } else {
            this.firstItemIndex = -1;
        }
        ItemBank bank = tables.bank();
        this.enemies = new int[design.enemySets().size()][];
        for (int g = 0; g < enemies.length; g++) {
            enemies[g] = design.enemySets().get(g).stream().mapToInt(id -> indexOrThrow(bank, id, "enemy set")).toArray();
        }
        this.targets = design.contentTargets().values().stream().mapToDouble(Double::doubleValue).toArray();
        this.domainOf = new int[bank.size()];
        if (targets.length > 0) {
            List<String> domains = List.copyOf(design.contentTargets().keySet());
            design.itemDomains().keySet().forEach(id -> indexOrThrow(bank, id, "item domain"));
            for (int i = 0; i < bank.size(); i++) {
                String domain = design.itemDomains().get(bank.item(i).id());
                if (domain == null) {
                    throw new IllegalArgumentException("content balancing needs a domain on every item; item '"
                            + bank.item(i).id() + "' has none");
                }
                domainOf[i] = domains.indexOf(domain);
            }
        }
        if (design.exposureParameters().isEmpty()) {
            this.exposure = null;
        } else {
            this.exposure = new double[bank.size()];
            java.util.Arrays.fill(exposure, 1.0);
            design.exposureParameters().forEach((id, k) -> exposure[indexOrThrow(bank, id, "exposure parameter")] = k);
        }
    }

    private static int indexOrThrow(ItemBank bank, String id, String what) {
        int index = bank.indexOf(id);
        if (index < 0) {
            throw new IllegalArgumentException(what + ": item '" + id + "' is not in the bank");
        }
        return index;
    }

    public ItemBank bank() {
        return tables.bank();
    }

    public BankTables tables() {
        return tables;
    }

    public CatDesign design() {
        return design;
    }

    /** {@link #next(List, long)} with salt 0. */
    public CatStep next(List<Answer> answers) {
        return next(answers, 0L);
    }

    /** {@link #next(List, long, OptionalDouble)} without a previous theta. */
    public CatStep next(List<Answer> answers, long sessionSalt) {
        return next(answers, sessionSalt, OptionalDouble.empty());
    }

    /**
     * The step after {@code answers} (in the order given). Deterministic in (design, answers, salt, previous theta):
     * every random draw (randomesque, Sympson-Hetter) comes from one generator seeded by the design seed, the salt
     * and the answer history, so re-running a test over its answers reproduces every step.
     *
     * @param answers       answers so far; each item at most once, categories 0-based
     * @param sessionSalt   mixed into the seed of random draws (irrelevant without exposure control)
     * @param previousTheta the person's previous theta on this bank; used as the prior mean (clamped to
     *                      +-previousScoreLimit) when the design enables previousScorePrior, ignored otherwise
     * @throws IllegalArgumentException for an unknown item, a repeated item or a category out of range
     */
    public CatStep next(List<Answer> answers, long sessionSalt, OptionalDouble previousTheta) {
        NormalPrior stepPrior = priorFor(previousTheta);
        Posterior posterior = posterior(answers, stepPrior);
        Estimate estimate = estimator.estimate(posterior);
        ScaleScore exact = scoreScale.apply(estimate);
        ScaleScore reported = design.scoreDecimals() < 0 ? exact : scoreScale.apply(estimate, design.scoreDecimals());
        int administered = answers.size();
        double precision = design.stopsOnScoreStandardError() ? exact.standardError() : estimate.standardError();
        Optional<StopReason> stop = stoppingRule.evaluate(administered, precision, tables.bank().size() - administered);
        if (stop.map(reason -> reason != StopReason.STANDARD_ERROR).orElse(true)
                && thetaStable(answers, stepPrior, estimate)) {
            stop = Optional.of(StopReason.THETA_STABLE);
        }
        if (stop.isPresent()) {
            return new CatStep(estimate, reported, administered, null, stop.get());
        }
        int next;
        if (administered == 0 && firstItemIndex >= 0) {
            next = firstItemIndex;
        } else {
            double theta = administered == 0 ? design.startTheta() : estimate.theta();
            boolean drawing = design.randomesque() > 1 || exposure != null;
            SplitMix64 random = drawing ? new SplitMix64(historySeed(answers, sessionSalt)) : null;
            next = selector.select(posterior, theta, random, eligible(posterior, answers), exposure);
        }
        if (next == ItemSelector.NONE) {
            // Only enemies and content rules can leave nothing askable while the bank still has items.
            return new CatStep(estimate, reported, administered, null, StopReason.BANK_EXHAUSTED);
        }
        return new CatStep(estimate, reported, administered, tables.bank().item(next).id(), null);
    }

    /** The prior mean a previous theta gives under this design: the theta clamped to +-previousScoreLimit. */
    public double priorMeanFor(double previousTheta) {
        if (!Double.isFinite(previousTheta)) {
            throw new IllegalArgumentException("previous theta must be finite, was " + previousTheta);
        }
        double limit = design.previousScoreLimit();
        return Math.max(-limit, Math.min(limit, previousTheta));
    }

    private NormalPrior priorFor(OptionalDouble previousTheta) {
        if (!design.previousScorePrior() || previousTheta == null || previousTheta.isEmpty()) {
            return prior;
        }
        return new NormalPrior(priorMeanFor(previousTheta.getAsDouble()), prior.sd());
    }

    /** After minItems (and at least two answers): did the last answer move theta by less than thetaChangeStop? */
    private boolean thetaStable(List<Answer> answers, NormalPrior stepPrior, Estimate estimate) {
        int n = answers.size();
        if (design.thetaChangeStop() <= 0 || n < Math.max(2, design.minItems())) {
            return false;
        }
        Estimate before = estimator.estimate(posterior(answers.subList(0, n - 1), stepPrior));
        return Math.abs(estimate.theta() - before.theta()) < design.thetaChangeStop();
    }

    /**
     * Which items may come next under enemies and content balancing, or null when the design has neither. Content
     * balancing (Kingsbury &amp; Zara 1989) takes the domain furthest below its target share (target minus the share
     * of the items asked so far; ties to the domain listed first) among the domains that still have an askable item.
     */
    private boolean[] eligible(Posterior posterior, List<Answer> answers) {
        if (enemies.length == 0 && targets.length == 0) {
            return null;
        }
        int size = tables.bank().size();
        boolean[] eligible = new boolean[size];
        for (int i = 0; i < size; i++) {
            eligible[i] = !posterior.isAdministered(i);
        }
        for (int[] group : enemies) {
            boolean used = false;
            for (int i : group) {
                used |= posterior.isAdministered(i);
            }
            if (used) {
                for (int i : group) {
                    eligible[i] = false;
                }
            }
        }
        if (targets.length > 0) {
            int[] counts = new int[targets.length];
            boolean[] available = new boolean[targets.length];
            for (int i = 0; i < size; i++) {
                if (posterior.isAdministered(i)) {
                    counts[domainOf[i]]++;
                } else if (eligible[i]) {
                    available[domainOf[i]] = true;
                }
            }
            int n = answers.size();
            int chosen = -1;
            double largest = Double.NEGATIVE_INFINITY;
            for (int d = 0; d < targets.length; d++) {
                double deficit = targets[d] - (n == 0 ? 0.0 : (double) counts[d] / n);
                if (available[d] && deficit > largest) {
                    largest = deficit;
                    chosen = d;
                }
            }
            for (int i = 0; i < size; i++) {
                eligible[i] &= domainOf[i] == chosen;
            }
        }
        return eligible;
    }

    /** The posterior after {@code answers} (validated as in {@link #next}). */
    public Posterior posterior(List<Answer> answers) {
        return posterior(answers, prior);
    }

    private Posterior posterior(List<Answer> answers, NormalPrior stepPrior) {
        if (answers == null) {
            throw new IllegalArgumentException("answers are required (use an empty list before the first item)");
        }
        double[] logWeights = stepPrior == prior ? priorLogWeights : stepPrior.logWeights(tables.grid());
        Posterior posterior = new Posterior(tables.grid(), stepPrior, tables, logWeights);
        ItemBank bank = tables.bank();
        for (Answer answer : answers) {
            int index = bank.indexOf(answer.itemId());
            if (index < 0) {
                throw new IllegalArgumentException("answer to unknown item '" + answer.itemId() + "'");
            }
            posterior.update(index, answer.category());
        }
        return posterior;
    }

    /** Scores the answers without deciding on a next item. */
    public Estimate estimate(List<Answer> answers) {
        return estimator.estimate(posterior(answers));
    }

    /** Deterministic 64-bit seed from design seed, salt and history (FNV-1a over ids, SplitMix64 mixing). */
    long historySeed(List<Answer> answers, long sessionSalt) {
        long hash = SplitMix64.mix(design.randomSeed() ^ 0x6A09E667F3BCC909L);
        hash = SplitMix64.mix(hash ^ sessionSalt);
        for (Answer answer : answers) {
            String id = answer.itemId();
            for (int c = 0; c < id.length(); c++) {
                hash = (hash ^ id.charAt(c)) * FNV_PRIME;
            }
            hash = SplitMix64.mix(hash ^ (0x1_0000_0000L + answer.category()));
        }
        return hash;
    }
}
