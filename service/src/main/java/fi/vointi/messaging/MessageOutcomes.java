package fi.vointi.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import jakarta.inject.Singleton;

/**
 * Counts what happens to messages on this instance as the Micrometer counter {@code vointi_messages_total{channel,
 * outcome}} (outcome {@code sent}, {@code failed}, {@code retry}, {@code held}, {@code cancelled}, {@code delivered},
 * {@code provider-failed}); docs/operations.md, "Metrics". Nothing is counted when metrics are off.
 */
@Singleton
public class MessageOutcomes {
    private final BeanProvider<MeterRegistry> registry;

    MessageOutcomes(BeanProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    public void count(Channel channel, String outcome) {
        if (registry.isPresent()) {
            Counter.builder("vointi.messages").description("Messages handled by this instance, by channel and outcome")
                    .tag("channel", channel.code()).tag("outcome", outcome).register(registry.get()).increment();
        }
    }
}
