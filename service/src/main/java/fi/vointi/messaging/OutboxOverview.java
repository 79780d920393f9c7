package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What an operator sees of the outbox (docs/messaging.md, "Operator view"): the queue by state and its lag, the recent
 * failures, and delivery per channel and day. Never an address or a message text: failures show the outbox id,
 * channel, purpose, attempts, time and the provider's error with anything address-like masked.
 */
@Singleton
public class OutboxOverview {
    public static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    /** Days of delivery figures on the page. */
    public static final int DAYS = 14;
    public static final int FAILURES = 20;
    private static final Pattern EMAIL = Pattern.compile("[^\\s<>\"'(),;:]+@[^\\s<>\"'(),;:]+");
    private static final Pattern PHONE = Pattern.compile("\\+?\\d[\\d ()-]{5,}\\d");

    private final JdbcOperations jdbc;

    OutboxOverview(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Messages by state: {@code queued} = due now, {@code held} = queued but waiting (quiet hours, the per-person cap,
     * or a retry's backoff), {@code retrying} = of queued and held those with a failed attempt behind them; {@code lag}
     * = how long the oldest due message has waited past its due time (zero when none is due).
     */
    public record Queue(long queued, long held, long retrying, long sent, long delivered, long failed, long cancelled,
                        Duration lag) {
    }

    /** Only the waiting messages (the metrics' gauges; served by the index on status and not_before). */
    public record Waiting(long queued, long held, Duration lag) {
    }

    public record Failure(String id, String channel, String purpose, int attempts, @Nullable Instant failedAt,
                          @Nullable String error) {
    }

    /** Messages created on one day (Europe/Helsinki) through one channel, by what became of them. */
    public record Day(LocalDate day, String channel, long created, long waiting, long sent, long delivered, long failed,
                      long cancelled) {
        /** Accepted by the provider (sent or delivered) per finished message (sent, delivered, failed), %; null when none finished. */
        @Nullable
        public Double acceptedPercent() {
            long finished = sent + delivered + failed;
            return finished == 0 ? null : 100.0 * (sent + delivered) / finished;
        }

        /** Confirmed delivered (SMS delivery reports) per finished message, %; null when none finished or for e-mail. */
        @Nullable
        public Double deliveredPercent() {
            long finished = sent + delivered + failed;
            return finished == 0 || "email".equals(channel) ? null : 100.0 * delivered / finished;
        }
    }

    @Transactional(readOnly = true)
    public Waiting waiting(Instant now) {
        // two range scans of the index on (status, not_before): due now, and held until later
        Object[] due = jdbc.prepareStatement("SELECT COUNT(*), MIN(not_before) FROM message_outbox"
                + " WHERE status = 'queued' AND not_before <= ?", s -> {
            s.setObject(1, OutboxStore.at(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
                return new Object[] {rs.getLong(1), oldest == null ? null : oldest.toInstant()};
            }
        });
        long held = jdbc.prepareStatement("SELECT COUNT(*) FROM message_outbox WHERE status = 'queued' AND not_before > ?", s -> {
            s.setObject(1, OutboxStore.at(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        Duration lag = due[1] == null ? Duration.ZERO : Duration.between((Instant) due[1], now);
        return new Waiting((Long) due[0], held, lag.isNegative() ? Duration.ZERO : lag);
    }

    @Transactional(readOnly = true)
    public Queue queue(Instant now) {
        Waiting waiting = waiting(now);
        Map<String, Long> byStatus = jdbc.prepareStatement("SELECT status, COUNT(*) FROM message_outbox GROUP BY status", s -> {
            Map<String, Long> counts = new TreeMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
        long retrying = jdbc.prepareStatement("SELECT COUNT(*) FROM message_outbox WHERE status = 'queued' AND attempts > 0", s -> {
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        return new Queue(waiting.queued(), waiting.held(), retrying, byStatus.getOrDefault("sent", 0L),
                byStatus.getOrDefault("delivered", 0L), byStatus.getOrDefault("failed", 0L),
                byStatus.getOrDefault("cancelled", 0L), waiting.lag());
    }

    /** The newest failures (status {@code failed}), newest first. */
    @Transactional(readOnly = true)
    public List<Failure> recentFailures(int limit) {
        return jdbc.prepareStatement("SELECT id, channel, purpose, attempts, finished_at, last_error FROM message_outbox"
                + " WHERE status = 'failed' ORDER BY finished_at DESC, id LIMIT ?", s -> {
            s.setInt(1, limit);
            List<Failure> failures = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime at = rs.getObject(5, OffsetDateTime.class);
                    failures.add(new Failure(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            at == null ? null : at.toInstant(), withoutAddresses(rs.getString(6))));
                }
            }
            return failures;
        });
    }

    /** Messages created on each of the {@code days} days up to {@code today} (Helsinki), per channel, newest day first. */
    @Transactional(readOnly = true)
    public List<Day> perChannelAndDay(LocalDate today, int days) {
        List<Day> rows = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            LocalDate day = today.minusDays(i);
            Instant from = day.atStartOfDay(ZONE).toInstant();
            Instant to = day.plusDays(1).atStartOfDay(ZONE).toInstant();
            Map<String, long[]> perChannel = jdbc.prepareStatement("SELECT channel, status, COUNT(*) FROM message_outbox"
                    + " WHERE created_at >= ? AND created_at < ? GROUP BY channel, status", s -> {
                s.setObject(1, OutboxStore.at(from));
                s.setObject(2, OutboxStore.at(to));
                Map<String, long[]> counts = new TreeMap<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        long[] c = counts.computeIfAbsent(rs.getString(1), k -> new long[6]);
                        int index = switch (rs.getString(2)) {
                            case "queued" -> 1;
                            case "sent" -> 2;
                            case "delivered" -> 3;
                            case "failed" -> 4;
                            default -> 5;
                        };
                        c[index] += rs.getLong(3);
                        c[0] += rs.getLong(3);
                    }
                }
                return counts;
            });
            perChannel.forEach((channel, c) -> rows.add(new Day(day, channel, c[0], c[1], c[2], c[3], c[4], c[5])));
        }
        return rows;
    }

    /** A provider's error text with e-mail addresses and phone numbers masked (an SMTP 550 may name the address). */
    @Nullable
    public static String withoutAddresses(@Nullable String text) {
        if (text == null) {
            return null;
        }
        return PHONE.matcher(EMAIL.matcher(text).replaceAll("[address]")).replaceAll("[number]");
    }
}
