package fi.vointi.observations;

import fi.vointi.fhir.FhirContexts;
import org.hl7.fhir.r4.model.Observation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * One score Observation's stored JSON (issue 19; a create writes four): HAPI's generic encoder against the direct
 * writer. The Observation is a demo-PROM score as the extraction stores it ({@link PackedObservationJsonBenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScoreObservationJsonBenchmark {
    private Observation score;

    @Setup
    public void setUp() {
        score = FhirContexts.r4().newJsonParser().parseResource(Observation.class, PackedObservationJsonBenchmark.SCORE);
        if (!hapi().equals(direct()) || !PackedObservationJsonBenchmark.SCORE.equals(direct())) {
            throw new IllegalStateException("the two encodings differ");
        }
    }

    @Benchmark
    public String hapi() {
        return FhirContexts.r4().newJsonParser().encodeResourceToString(score);
    }

    @Benchmark
    public String direct() {
        return ScoreObservationJson.write(score).orElseThrow();
    }
}
