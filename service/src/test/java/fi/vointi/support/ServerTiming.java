package fi.vointi.support;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test only (property {@code vointi.test.server-timing=true}): how long the server spent on each request, from the
 * outermost filter to the finished answer, by the request's {@code X-Probe} header. This is the time the service
 * itself takes; the client's view adds its own scheduling, which on a loaded 2-core machine says more about the
 * machine than about the service.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(property = "vointi.test.server-timing", value = "true")
public class ServerTiming implements Ordered {
    private static final String STARTED = "test.server-timing.started";
    private static final Map<String, Long> MILLIS = new ConcurrentHashMap<>();

    @RequestFilter
    public void start(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void stop(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String probe = request.getHeaders().get("X-Probe");
        Long started = request.getAttribute(STARTED, Long.class).orElse(null);
        if (probe != null && started != null) {
            MILLIS.put(probe, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Server-side milliseconds by X-Probe value. */
    public static Map<String, Long> millis() {
        return MILLIS;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
