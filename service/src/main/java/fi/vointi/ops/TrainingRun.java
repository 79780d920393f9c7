package fi.vointi.ops;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A training run for the JVM's class-data archive (docs/operations.md, "Faster start-up"): with
 * {@code vointi.startup.training-run=true} the service starts, answers its own {@code /fhir/metadata} and
 * {@code /feedback} once (so the classes of a first request are loaded too), then stops with exit code 0. Run under
 * {@code -XX:ArchiveClassesAtExit=vointi.jsa}, the JVM writes every class it loaded to the archive as it exits; later
 * starts with {@code -XX:SharedArchiveFile=vointi.jsa} map them instead of reading and verifying them from the jar.
 */
@Singleton
@Requires(property = "vointi.startup.training-run", value = "true")
public class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    private final ApplicationContext context;

    TrainingRun(ApplicationContext context) {
        this.context = context;
    }

    @EventListener
    void onStarted(ServerStartupEvent event) {
        URI base = event.getSource().getURI();
        Thread stopper = new Thread(() -> {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            try {
                for (String path : new String[]{"/fhir/metadata", "/feedback/demo-unit-health-centre", "/"}) {
                    HttpResponse<Void> reply = client.send(HttpRequest.newBuilder(base.resolve(path))
                            .header("Accept", path.startsWith("/fhir") ? "application/fhir+json" : "text/html").build(),
                            HttpResponse.BodyHandlers.discarding());
                    LOG.info("Training run: {} answered {}", path, reply.statusCode());
                }
            } catch (Exception e) {
                LOG.warn("Training run: a request failed ({}); the archive holds the start-up's classes only", e.toString());
            }
            LOG.info("Training run done: stopping");
            context.close();
            System.exit(0);
        }, "training-run");
        stopper.setDaemon(false);
        stopper.start();
    }
}
