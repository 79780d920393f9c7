package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;

/**
 * What a provider (SMTP server, SMS gateway) said to one attempt: accepted (with its own message id, if any),
 * refused for good (a bad address: retrying cannot help), or failed in a way worth retrying (5xx, timeout, no
 * connection, throttled).
 */
public sealed interface Delivery {
    String detail();

    record Accepted(@Nullable String providerId, String detail) implements Delivery {
    }

    record Rejected(String detail) implements Delivery {
    }

    record Retry(String detail) implements Delivery {
    }
}
