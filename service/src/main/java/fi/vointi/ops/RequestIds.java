package fi.vointi.ops;

import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import org.slf4j.MDC;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request one id: the {@code X-Request-Id} that the ingress or load balancer sent, when it is a plain token
 * (letters, digits, {@code . _ : -}, 8–64 characters), otherwise a new UUID. The id is in the log of everything the
 * request does (MDC key {@value #MDC_KEY}, also in the JSON log), answered in the {@code X-Request-Id} header, and it
 * is the incident id of a server error's OperationOutcome, so an operator finds the log lines of an incident a caller
 * reports. docs/operations.md, "Logs".
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestIds implements Ordered {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final String ATTRIBUTE = RequestIds.class.getName();
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    @RequestFilter
    public void assign(HttpRequest<?> request, MutablePropagatedContext propagated) {
        String id = request.getHeaders().get(HEADER);
        if (id == null || !ACCEPTED.matcher(id).matches()) {
            id = newId();
        }
        request.setAttribute(ATTRIBUTE, id);
        // The id travels with the request to whichever thread runs it (Micronaut's context propagation) and is put in
        // that thread's MDC while it does: one key set and restored, not the whole MDC map copied on every hop.
        propagated.add(new InMdc(id));
    }

    /** The request id in the MDC of the thread running the request, and the previous value back afterwards. */
    private record InMdc(String id) implements ThreadPropagatedContextElement<String> {
        @Override
        public String updateThreadContext() {
            String previous = MDC.get(MDC_KEY);
            MDC.put(MDC_KEY, id);
            return previous;
        }

        @Override
        public void restoreThreadContext(String previous) {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        }
    }

    @ResponseFilter
    public void answer(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header(HEADER, of(request));
    }

    /**
     * The request's id (a new UUID for a request that never passed the filter, e.g. in a unit test): use it as the
     * incident id of a server error, so that the answer, the log and the metrics tell the same story.
     */
    public static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> {
            String id = newId();
            request.setAttribute(ATTRIBUTE, id);
            return id;
        });
    }

    /**
     * A random (version 4) UUID. An id names a request, it guards nothing, so it comes from the thread's fast generator
     * rather than {@link UUID#randomUUID()}'s SecureRandom, which every request would otherwise contend for.
     */
    static String newId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    @Override
    public int getOrder() {
        // before every other filter, the input guards included: their refusals carry the id as well
        return ServerFilterPhase.FIRST.before() - 10;
    }
}
