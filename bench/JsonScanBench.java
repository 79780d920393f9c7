import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import fi.vointi.input.JsonScan;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the input pre-scan ({@code fi.vointi.input.JsonScan}, issue #13) costs per body, next to what HAPI's strict
 * parse of the same body costs: each for 3 s after a 3 s warm-up, single thread. Run with the service jar on the
 * class path:
 *
 *   java -cp service/target/vointi-service.jar bench/JsonScanBench.java bench/demo-prom-response.json [more.json …]
 */
public class JsonScanBench {
    public static void main(String[] args) throws Exception {
        IParser parser = FhirContext.forR4().newJsonParser();
        for (String file : args) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (JsonScan.check(bytes) != null) {
                throw new IllegalStateException(file + " breaks a limit: " + JsonScan.check(bytes).describe());
            }
            double scan = microsPerCall(() -> JsonScan.check(bytes));
            double parse = microsPerCall(() -> parser.parseResource(text));
            System.out.printf("%s: %,d bytes; pre-scan %.1f µs (%.0f MB/s), HAPI parse %.1f µs: the scan adds %.1f %%%n",
                    file, bytes.length, scan, bytes.length / scan, parse, 100 * scan / parse);
        }
    }

    static double microsPerCall(Runnable call) {
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) {
            call.run();
        }
        long calls = 0;
        long start = System.nanoTime();
        until = start + 3_000_000_000L;
        long now;
        do {
            for (int i = 0; i < 100; i++) {
                call.run();
            }
            calls += 100;
            now = System.nanoTime();
        } while (now < until);
        return (now - start) / 1000.0 / calls;
    }
}
