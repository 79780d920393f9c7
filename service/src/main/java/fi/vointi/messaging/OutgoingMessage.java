package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;

/**
 * One claimed message on its way to a provider; {@code id} doubles as the provider's idempotency key;
 * {@code unsubscribeLink} (e-mail only) goes into the List-Unsubscribe header.
 */
public record OutgoingMessage(String id, Channel channel, String recipient, @Nullable String senderName,
                              @Nullable String subject, String body, @Nullable String unsubscribeLink) {
}
