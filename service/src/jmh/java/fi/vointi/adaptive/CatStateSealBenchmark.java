package fi.vointi.adaptive;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The seal check that goes with every replay (issue 14): HMAC-SHA256 over bank url|version, seed and 12 asked items,
 * compared in constant time, with the current key (the usual case) and with a previous key after a rotation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CatStateSealBenchmark {
    static final String BANK = "https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank|1.0.0";
    static final List<String> ASKED = List.of("E01", "E02", "E03", "E04", "E05", "E06", "E07", "E08", "E09", "E10",
            "E11", "E12");

    private CatStateSeal seals;
    private String current;
    private String previous;

    @Setup
    public void setUp() {
        String oldKey = "benchmark-previous-key-of-at-least-32-characters";
        seals = new CatStateSeal("benchmark-current-key-of-at-least-32-characters", List.of(oldKey));
        current = seals.seal(BANK, 42L, ASKED);
        previous = new CatStateSeal(oldKey, List.of()).seal(BANK, 42L, ASKED);
        if (!seals.verify(BANK, 42L, ASKED, current) || !seals.verify(BANK, 42L, ASKED, previous)) {
            throw new IllegalStateException("seals do not verify");
        }
    }

    @Benchmark
    public boolean verifyWithCurrentKey() {
        return seals.verify(BANK, 42L, ASKED, current);
    }

    @Benchmark
    public boolean verifyWithPreviousKey() {
        return seals.verify(BANK, 42L, ASKED, previous);
    }
}
