package fi.vointi.ops;

import fi.vointi.support.Db;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The class-data archive's training run (docs/operations.md, "Faster start-up"), as the image build runs it: the
 * service in a JVM of its own with {@code vointi.startup.training-run=true} starts, answers its own three requests with
 * 200 and stops by itself with exit code 0 (which is when the JVM writes the archive). The archive itself is the JVM's
 * work and needs the jar (the JVM archives no class from a directory, as the test class path has):
 * {@code deploy/cds-archive.sh} and {@code bench/startup.sh} exercise it with the built jar.
 */
class TrainingRunTest {
    @Test
    void theServiceStartsAnswersItselfAndStopsByItself(@TempDir Path dir) throws Exception {
        assumeTrue(!Db.onPostgres(), "runs on the embedded default only");
        Path log = dir.resolve("training.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder training = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "fi.vointi.Application")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        training.environment().put("DATASOURCES_DEFAULT_URL", "jdbc:h2:mem:training;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        training.environment().put("VOINTI_STARTUP_TRAINING_RUN", "true");
        training.environment().put("VOINTI_PORT", "-1");
        training.environment().put("VOINTI_MANAGEMENT_PORT", "-1");
        training.environment().remove("MICRONAUT_ENVIRONMENTS");
        Process process = training.start();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the training run ends by itself");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        for (String path : List.of("/fhir/metadata", "/feedback/demo-unit-health-centre", "/")) {
            assertTrue(output.contains("Training run: " + path + " answered 200"), path + "\n" + output);
        }
    }
}
