package fi.vointi.cat;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Store-time replay of a whole 12-item adaptive test (issue 14): {@link CatReplay#replay} re-runs the engine over
 * every prefix of the answers (13 engine steps) and checks each asked item, as the service does on every store and
 * every {@code $next-question}. Bank: the same 100-item, 5-category GRM bank as {@link CatStepBenchmark} (81
 * quadrature points, EAP, maximum information), design 12 items without an SE stop, so the test has exactly 12 items;
 * {@code randomesque} 1 (deterministic) or 5 (seeded draw among the top 5). The answers are a simulated respondent's at
 * theta 0.5 along the path the engine chose with the test seed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CatReplayBenchmark {
    static final long TEST_SEED = 0x5EEDL;

    @Param({"1", "5"})
    public int randomesque;

    private CatEngine engine;
    private List<String> asked;
    private List<Answer> answers;

    @Setup
    public void setUp() {
        CatDesign design = CatDesign.builder().minItems(4).maxItems(12).standardErrorStop(0).randomesque(randomesque).build();
        engine = new CatEngine(CatStepBenchmark.bank(), design);
        asked = new ArrayList<>();
        answers = new ArrayList<>();
        SplitMix64 random = new SplitMix64(CatStepBenchmark.RESPONDENT_SEED);
        double[] probabilities = new double[engine.bank().maxCategories()];
        CatStep step = engine.next(answers, TEST_SEED);
        while (!step.finished()) {
            IrtItem item = engine.bank().get(step.nextItemId());
            int category = CatSimulator.draw(item, CatStepBenchmark.RESPONDENT_THETA, random.nextDouble(), probabilities);
            asked.add(item.id());
            answers.add(new Answer(item.id(), category));
            step = engine.next(answers, TEST_SEED);
        }
        if (answers.size() != 12 || !CatReplay.replay(engine, TEST_SEED, asked, answers, true).ok()) {
            throw new IllegalStateException("expected a genuine 12-item test, got " + answers.size());
        }
    }

    @Benchmark
    public CatReplay.Result replayTwelveItems() {
        return CatReplay.replay(engine, TEST_SEED, asked, answers, true);
    }
}
