package fi.vointi.subscriptions;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** One row of table {@code subscription}. */
public record StoredSubscription(String id, String clientId, String scopes, Topic topic, @Nullable Set<String> unitRefs,
                                 String status, String endpoint, SubscriptionRequest.Content content, List<String> headers,
                                 @Nullable Integer heartbeatSeconds, int timeoutSeconds, @Nullable Instant end,
                                 @Nullable String reason, String baseUrl, long eventsSinceStart, @Nullable String lastError,
                                 @Nullable Instant nextHeartbeatAt, Instant createdAt, Instant lastUpdated, int versionId) {

    /** The status a client sees: a subscription past its {@code end} is off. */
    public String statusAt(Instant now) {
        return end != null && !end.isAfter(now) ? "off" : status;
    }

    /** Whether an event of a resource in {@code unitRef} passes the subscription's unit filter. */
    public boolean coversUnit(@Nullable String unitRef) {
        return unitRefs == null || (unitRef != null && unitRefs.contains(unitRef));
    }
}
