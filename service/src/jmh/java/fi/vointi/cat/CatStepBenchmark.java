package fi.vointi.cat;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One adaptive CAT step (issue #4) on a 100-item, 5-category GRM bank with 81 quadrature points
 * (-4..4), EAP under N(0, 1), maximum-information selection, no randomesque.
 *
 * <p>{@code answersSoFar} is the number of answers known once the step has taken in the newest one,
 * i.e. the length of the answer list in the HTTP request. The answers are the path a simulated
 * respondent at theta 0.5 takes through this very CAT (seeded), so item choice and posterior shape are
 * realistic. The design never stops (no SE criterion, maxItems = bank size), so every step ends with an
 * item selection, the more expensive branch.
 *
 * <ul>
 *   <li>{@link #statelessNext} is {@link CatEngine#next(List)} exactly as the HTTP endpoint calls it: it
 *       rebuilds the posterior from all {@code answersSoFar} answers, estimates theta, checks the stopping
 *       rule and picks the next item. This is the real per-request cost.</li>
 *   <li>{@link #incrementalStep} starts from a posterior already holding the first
 *       {@code answersSoFar - 1} answers (rebuilt outside the timed region before every invocation),
 *       adds the newest answer ({@link Posterior#update(int, int)}), then does what {@code next} does
 *       after the rebuild: estimate, scale score, stopping rule and {@link ItemSelector#select}.</li>
 * </ul>
 *
 * <p>Both pick the same item as the engine; {@link #setUp} checks that before any measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CatStepBenchmark {

    static final int ITEMS = 100;
    static final int CATEGORIES = 5;
    static final long BANK_SEED = 20261125L;
    static final long RESPONDENT_SEED = 4L;
    static final double RESPONDENT_THETA = 0.5;

    @Param({"1", "5", "11"})
    public int answersSoFar;

    private CatEngine engine;
    private List<Answer> answers;
    // The parts CatEngine.next uses, for the incremental path.
    private BankTables tables;
    private NormalPrior prior;
    private ThetaEstimator estimator;
    private ItemSelector selector;
    private StoppingRule stoppingRule;
    private ScoreScale scoreScale;
    private int[] previousIndices;
    private int[] previousCategories;
    private int newestIndex;
    private int newestCategory;

    @Setup(Level.Trial)
    public void setUp() {
        CatDesign design = design();
        ItemBank bank = bank();
        engine = new CatEngine(bank, design);
        answers = List.copyOf(simulateAnswers(engine, answersSoFar));

        tables = engine.tables();
        prior = design.prior();
        estimator = new ThetaEstimator(design.grid(), prior, design.estimator());
        selector = new ItemSelector(design.selection(), design.randomesque());
        stoppingRule = design.stoppingRule();
        scoreScale = design.scoreScale();
        previousIndices = new int[answersSoFar - 1];
        previousCategories = new int[answersSoFar - 1];
        for (int i = 0; i < answersSoFar - 1; i++) {
            previousIndices[i] = bank.indexOf(answers.get(i).itemId());
            previousCategories[i] = answers.get(i).category();
        }
        Answer newest = answers.get(answersSoFar - 1);
        newestIndex = bank.indexOf(newest.itemId());
        newestCategory = newest.category();

        // Both benchmarks must do the full step and agree with the engine.
        CatStep expected = engine.next(answers);
        if (expected.finished()) {
            throw new IllegalStateException("design stopped at " + answersSoFar + " answers: " + expected);
        }
        int incremental = step(posteriorBeforeNewest(), null);
        if (!bank.item(incremental).id().equals(expected.nextItemId())) {
            throw new IllegalStateException("incremental step chose " + bank.item(incremental).id()
                    + " but the engine chose " + expected.nextItemId());
        }
    }

    /** A posterior holding every answer but the newest (mutable: one per invocation). */
    @State(Scope.Thread)
    public static class Session {
        Posterior posterior;

        @Setup(Level.Invocation)
        public void reset(CatStepBenchmark benchmark) {
            posterior = benchmark.posteriorBeforeNewest();
        }
    }

    @Benchmark
    public CatStep statelessNext() {
        return engine.next(answers);
    }

    @Benchmark
    public void incrementalStep(Session session, Blackhole blackhole) {
        blackhole.consume(step(session.posterior, blackhole));
    }

    /** The newest answer into the posterior, then what CatEngine.next does after its rebuild. */
    private int step(Posterior posterior, Blackhole blackhole) {
        posterior.update(newestIndex, newestCategory);
        Estimate estimate = estimator.estimate(posterior);
        ScaleScore score = scoreScale.apply(estimate);
        if (blackhole != null) {
            blackhole.consume(score);
        }
        Optional<StopReason> stop = stoppingRule.evaluate(answersSoFar, estimate.standardError(),
                ITEMS - answersSoFar);
        if (stop.isPresent()) {
            return ItemSelector.NONE; // never taken with this design (checked in setUp)
        }
        return selector.select(posterior, estimate.theta(), null);
    }

    Posterior posteriorBeforeNewest() {
        Posterior posterior = new Posterior(tables, prior);
        for (int i = 0; i < previousIndices.length; i++) {
            posterior.update(previousIndices[i], previousCategories[i]);
        }
        return posterior;
    }

    /** 81 points on -4..4, EAP, MFI, randomesque 1, never stopping before the bank is exhausted. */
    static CatDesign design() {
        return CatDesign.builder()
                .minItems(1)
                .maxItems(ITEMS)
                .standardErrorStop(0.0)
                .selection(SelectionMethod.MAX_INFO)
                .estimator(EstimationMethod.EAP)
                .quadrature(-4.0, 4.0, 81)
                .randomesque(1)
                .build();
    }

    /** Deterministic GRM bank: slopes U(1, 3), four increasing thresholds in -2.5..2.5 at least 0.2 apart. */
    static ItemBank bank() {
        SplitMix64 random = new SplitMix64(BANK_SEED);
        List<IrtItem> items = new ArrayList<>(ITEMS);
        double[] thresholds = new double[CATEGORIES - 1];
        for (int i = 0; i < ITEMS; i++) {
            double slope = 1.0 + 2.0 * random.nextDouble();
            boolean spread;
            do {
                for (int k = 0; k < thresholds.length; k++) {
                    thresholds[k] = -2.5 + 5.0 * random.nextDouble();
                }
                Arrays.sort(thresholds);
                spread = true;
                for (int k = 1; k < thresholds.length; k++) {
                    spread &= thresholds[k] - thresholds[k - 1] >= 0.2;
                }
            } while (!spread);
            items.add(new GradedResponseItem(String.format("ITEM%03d", i + 1), slope, thresholds.clone()));
        }
        return new ItemBank(items);
    }

    /** The first {@code count} answers of a respondent at theta 0.5 taking this CAT (seeded draws). */
    static List<Answer> simulateAnswers(CatEngine engine, int count) {
        ItemBank bank = engine.bank();
        SplitMix64 random = new SplitMix64(RESPONDENT_SEED);
        double[] probabilities = new double[bank.maxCategories()];
        List<Answer> answers = new ArrayList<>(count);
        while (answers.size() < count) {
            CatStep step = engine.next(answers);
            IrtItem item = bank.get(step.nextItemId());
            int category = CatSimulator.draw(item, RESPONDENT_THETA, random.nextDouble(), probabilities);
            answers.add(new Answer(item.id(), category));
        }
        return answers;
    }
}
