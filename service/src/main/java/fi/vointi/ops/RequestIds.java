package fi.vointi.ops;

import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
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
            id = UUID.randomUUID().toString();
        }
        request.setAttribute(ATTRIBUTE, id);
        // the MDC travels with the request to whichever thread runs it (Micronaut's context propagation)
        String previous = MDC.get(MDC_KEY);
        try {
            MDC.put(MDC_KEY, id);
            propagated.add(new MdcPropagationContext());
        } finally {
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
            String id = UUID.randomUUID().toString();
            request.setAttribute(ATTRIBUTE, id);
            return id;
        });
    }

    @Override
    public int getOrder() {
        // before every other filter, the input guards included: their refusals carry the id as well
        return ServerFilterPhase.FIRST.before() - 10;
    }
}
