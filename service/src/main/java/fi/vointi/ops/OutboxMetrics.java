package fi.vointi.ops;

import fi.vointi.messaging.OutboxOverview;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The message outbox as gauges (docs/operations.md, "Metrics"), read from the table, so every instance reports the
 * same cluster-wide figures:
 * <ul>
 *   <li>{@code vointi_outbox_lag_seconds}: how long the oldest due message has waited past its due time (0: none due);</li>
 *   <li>{@code vointi_outbox_messages{state="queued"|"held"}}: messages due now, and waiting (quiet hours, cap, backoff).</li>
 * </ul>
 * One query (served by the index on status and not_before) answers all three, at most once per {@link #FRESH}; a
 * database that cannot be reached gives NaN rather than a scrape error. Per-instance counters of outcomes are
 * {@code vointi_messages_total} ({@code fi.vointi.messaging.MessageOutcomes}).
 */
@Context
@Requires(beans = MeterRegistry.class)
public class OutboxMetrics {
    static final Duration FRESH = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(OutboxMetrics.class);
    private final OutboxOverview overview;
    private final Clock clock;
    private volatile OutboxOverview.Waiting last;
    private volatile Instant readAt = Instant.MIN;

    OutboxMetrics(MeterRegistry registry, OutboxOverview overview, Clock clock) {
        this.overview = overview;
        this.clock = clock;
        Gauge.builder("vointi.outbox.lag", this, m -> m.read(w -> (double) w.lag().toMillis() / 1000.0))
                .baseUnit("seconds").description("How long the oldest due message has waited past its due time").register(registry);
        Gauge.builder("vointi.outbox.messages", this, m -> m.read(w -> (double) w.queued())).tag("state", "queued")
                .description("Messages waiting in the outbox: due now (queued) or held until later (held)").register(registry);
        Gauge.builder("vointi.outbox.messages", this, m -> m.read(w -> (double) w.held())).tag("state", "held")
                .description("Messages waiting in the outbox: due now (queued) or held until later (held)").register(registry);
    }

    private double read(java.util.function.ToDoubleFunction<OutboxOverview.Waiting> figure) {
        Instant now = clock.instant();
        OutboxOverview.Waiting waiting = last;
        if (waiting == null || readAt.plus(FRESH).isBefore(now) || now.isBefore(readAt)) { // also when a test moves the clock back
            try {
                waiting = overview.waiting(now);
                last = waiting;
                readAt = now;
            } catch (RuntimeException e) {
                LOG.debug("Outbox gauges could not be read", e);
                return Double.NaN;
            }
        }
        return figure.applyAsDouble(waiting);
    }
}
