package fi.vointi.observations;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * What storing a score Observation packed costs (issue 19, V33): a create packs four, every read of one unpacks it.
 * The Observation is a demo-PROM score as the extraction stores it (~950 characters).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PackedObservationJsonBenchmark {
    static final String SCORE = "{\"resourceType\":\"Observation\",\"id\":\"f1a3531e-a324-4fac-8738-52507dd8b52a\","
            + "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-12-02T01:25:16.377+00:00\"},\"status\":\"final\","
            + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
            + "\"code\":\"survey\",\"display\":\"Survey\"}]}],\"code\":{\"coding\":[{\"system\":"
            + "\"https://vointi.fi/fhir/CodeSystem/vointi-score\",\"code\":\"demo-wellbeing-prom.sleep\",\"display\":\"Uni\"}],"
            + "\"text\":\"Uni\"},\"subject\":{\"reference\":\"Patient/6b0f7374-1-153\"},"
            + "\"effectiveDateTime\":\"2026-11-20T10:15:00+02:00\",\"issued\":\"2026-12-02T01:25:16.377+00:00\","
            + "\"valueQuantity\":{\"value\":6,\"unit\":\"{score}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{score}\"},"
            + "\"derivedFrom\":[{\"reference\":\"QuestionnaireResponse/0019fbd9-40b0-4113-8e35-f0a476b06558/_history/1\"}],"
            + "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
            + "\"code\":\"items-answered\",\"display\":\"Items answered\"}]},\"valueInteger\":3}]}";

    private byte[] packed;

    @Setup
    public void setUp() {
        packed = PackedObservationJson.pack(SCORE);
        if (!SCORE.equals(PackedObservationJson.unpack(packed))) {
            throw new IllegalStateException("does not round-trip");
        }
    }

    @Benchmark
    public byte[] pack() {
        return PackedObservationJson.pack(SCORE);
    }

    @Benchmark
    public String unpack() {
        return PackedObservationJson.unpack(packed);
    }
}
