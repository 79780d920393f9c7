package fi.vointi.cat;

import java.util.List;
import java.util.Optional;

/**
 * Stateless adaptive-test step: from a bank, a design and the answers so far, rebuild the posterior,
 * estimate theta, decide whether to stop and otherwise pick the next item.
 *
 * <p>Construct once per (bank, design) and share: construction precomputes the {@link BankTables}
 * (the expensive part), after which {@link #next} is immutable-state, thread-safe and costs
 * O(answers x grid points + bank size x item cost).
 *
 * <p>Randomesque draws are seeded from the design seed, a caller-supplied salt and the full answer
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

    /**
     * The step after {@code answers} (in the order given).
     *
     * @param answers     answers so far; each item at most once, categories 0-based
     * @param sessionSalt mixed into the randomesque seed (irrelevant when randomesque = 1)
     * @throws IllegalArgumentException for an unknown item, a repeated item or a category out of range
     */
    public CatStep next(List<Answer> answers, long sessionSalt) {
        Posterior posterior = posterior(answers);
        Estimate estimate = estimator.estimate(posterior);
        ScaleScore score = scoreScale.apply(estimate);
        int administered = answers.size();
        Optional<StopReason> stop = stoppingRule.evaluate(administered, estimate.standardError(),
                tables.bank().size() - administered);
        if (stop.isPresent()) {
            return new CatStep(estimate, score, administered, null, stop.get());
        }
        int next;
        if (administered == 0 && firstItemIndex >= 0) {
            next = firstItemIndex;
        } else {
            double theta = administered == 0 ? design.startTheta() : estimate.theta();
            SplitMix64 random = design.randomesque() > 1 ? new SplitMix64(historySeed(answers, sessionSalt)) : null;
            next = selector.select(posterior, theta, random);
        }
        // The stopping rule already reported an exhausted bank, so an item is always available here.
        return new CatStep(estimate, score, administered, tables.bank().item(next).id(), null);
    }

    /** The posterior after {@code answers} (validated as in {@link #next}). */
    public Posterior posterior(List<Answer> answers) {
        if (answers == null) {
            throw new IllegalArgumentException("answers are required (use an empty list before the first item)");
        }
        Posterior posterior = new Posterior(tables.grid(), prior, tables, priorLogWeights);
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
