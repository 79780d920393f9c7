package fi.vointi.feedback;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * The client address the feedback rate limit counts by. Micronaut's own resolver falls back to the
 * {@code Forwarded} and {@code X-Forwarded-For} headers, which any client can write: a flood could then give
 * every request a new address and never be limited. Here only two sources count: the header named by
 * {@code micronaut.server.client-address-header} (set when a reverse proxy is in front; its <em>last</em> entry,
 * the one the nearest proxy wrote), otherwise the TCP peer address.
 */
@Singleton
class ClientAddresses {
    @Nullable
    private final String header;

    ClientAddresses(@Nullable @Value("${micronaut.server.client-address-header:}") String header) {
        this.header = header == null || header.isBlank() ? null : header;
    }

    String of(HttpRequest<?> request) {
        if (header != null) {
            String value = request.getHeaders().get(header);
            if (value != null) {
                String last = value.substring(value.lastIndexOf(',') + 1).strip();
                if (!last.isEmpty()) {
                    return last;
                }
            }
        }
        return request.getRemoteAddress().getAddress().getHostAddress();
    }
}
