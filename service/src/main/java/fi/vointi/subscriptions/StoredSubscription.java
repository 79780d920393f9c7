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
                                 @Nullable Instant nextHeartbeatAt, Instant createdAt, Instant lastUpdated, int versionId,
                                 String handshake, int handshakeAttempts, @Nullable Instant handshakeDueAt) {
    /** Handshake states (column {@code handshake}): owed, delivered (events flow), given up. */
    public static final String HANDSHAKE_PENDING = "pending";
    public static final String HANDSHAKE_DONE = "done";
    public static final String HANDSHAKE_FAILED = "failed";

    /** Whether the endpoint answered the handshake: only then are events raised and heartbeats sent. */
    public boolean handshakeDone() {
        return HANDSHAKE_DONE.equals(handshake);
    }

    /** The status a client sees: a subscription past its {@code end} is off. */
    public String statusAt(Instant now) {
        return end != null && !end.isAfter(now) ? "off" : status;
    }

    /** Whether an event of a resource in {@code unitRef} passes the subscription's unit filter. */
    public boolean coversUnit(@Nullable String unitRef) {
        return unitRefs == null || (unitRef != null && unitRefs.contains(unitRef));
    }
}
