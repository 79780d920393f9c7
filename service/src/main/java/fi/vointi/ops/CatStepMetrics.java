package fi.vointi.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * {@code vointi_cat_steps_seconds{channel,outcome}}: every step of an adaptive test (CAT), timed from the request to the
 * answer — SDC {@code $next-question} ({@code channel="fhir"}) and an answer on the adaptive pages ({@code "page"}); the
 * outcome is the status class ({@code 2xx}, {@code 3xx}, {@code 4xx}, {@code 5xx}). Measured here, around the engine,
 * rather than inside it, so the engine stays free of metrics code.
 */
@ServerFilter(value = {"/fhir/Questionnaire/$next-question", "/fhir/Questionnaire/%24next-question", "/app/adaptive/*"},
        methods = HttpMethod.POST)
@Requires(beans = MeterRegistry.class)
public class CatStepMetrics {
    private static final String STARTED = CatStepMetrics.class.getName() + ".started";
    private final MeterRegistry registry;
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    CatStepMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @RequestFilter
    public void start(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void stop(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(STARTED, Long.class).ifPresent(started -> timer(
                request.getPath().startsWith("/app/") ? "page" : "fhir", response.code() / 100 + "xx")
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    // Looked up once per channel and outcome, not built and registered on every step (a step is ~1 ms of work).
    private Timer timer(String channel, String outcome) {
        return timers.computeIfAbsent(channel + ' ' + outcome, key -> Timer.builder("vointi.cat.steps")
                .description("Steps of adaptive tests (next question or final estimate)")
                .tag("channel", channel)
                .tag("outcome", outcome)
                .register(registry));
    }
}
