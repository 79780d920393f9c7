package fi.vointi.subscriptions;

import fi.vointi.observations.PackedObservationJson;
import fi.vointi.security.AccessPolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tables {@code subscription} and {@code subscription_event}. {@link #raise} writes in the caller's transaction (the
 * sharing decision's); everything else runs on its own autocommit connection, like {@code fi.vointi.messaging.OutboxStore}:
 * a claim must be visible to the other instances at once and must not wait for a slow endpoint.
 *
 * <p>Claiming: PostgreSQL picks due events with {@code FOR UPDATE SKIP LOCKED}; H2 (no SKIP LOCKED) claims row by row
 * with a conditional UPDATE that only one transaction can win. A claim is a lease under a token of its own; every later
 * write of the event is conditional on that token, so a sender whose lease ran out and was taken over writes nothing.
 */
@Singleton
public class SubscriptionStore {
    private static final String COLUMNS = "id, client_id, scopes, topic, unit_refs, status, endpoint, content, headers,"
            + " heartbeat_seconds, timeout_seconds, end_at, reason, base_url, events_since_start, last_error,"
            + " next_heartbeat_at, created_at, last_updated, version_id, handshake, handshake_attempts, handshake_due_at";
    private static final String EVENT = "subscription_id, event_number, focus_type, focus_id, occurred_at, attempts";
    private static final String DUE = "status = 'queued' AND not_before <= ? AND (claimed_until IS NULL OR claimed_until <= ?)";

    /**
     * Delivered and given-up events past their retention, by the index on (status, not_before) (V26): an event's
     * {@code not_before} is the time its last attempt was due, so the retention counts from about its delivery or last
     * failure. Queued events are never deleted, however old.
     */
    static final String DELETE_FINISHED_EVENTS = "DELETE FROM subscription_event WHERE status IN ('sent', 'failed')"
            + " AND not_before < ?";

    private final JdbcOperations jdbc;
    private final DataSource dataSource;
    private final ChannelHeaderSeal seal;
    private volatile Boolean postgres;

    SubscriptionStore(JdbcOperations jdbc, DataSource dataSource, ChannelHeaderSeal seal) {
        this.jdbc = jdbc;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.seal = seal;
    }

    /** Seals the channel headers of rows written before V30 (plain text): once, at start-up, on whichever instance. */
    @EventListener
    void onStartup(StartupEvent event) {
        List<String[]> plain = new ArrayList<>();
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, headers FROM subscription WHERE headers IS NOT NULL AND headers NOT LIKE 'v1:%'")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plain.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read subscription headers", e);
        }
        for (String[] row : plain) {
            // conditional on the plain value: of two instances starting together only one writes
            update("UPDATE subscription SET headers = ? WHERE id = ? AND headers = ?", seal.seal(row[0], row[1]), row[0], row[1]);
        }
    }

    /** A claimed event, under the claim token that every later write of it must present. */
    public record ClaimedEvent(String subscriptionId, long eventNumber, String focusType, String focusId, Instant occurredAt,
                               int attempts, String claim) {
    }

    /** A resource an event is about, with the facts of its response that decide who may read it. */
    public record Focus(String resourceJson, AccessPolicy.ResponseFacts facts) {
    }

    public void insert(StoredSubscription s) {
        update("INSERT INTO subscription (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s.id(), s.clientId(), s.scopes(), s.topic().url(), s.unitRefs() == null ? null : String.join(" ", s.unitRefs()),
                s.status(), s.endpoint(), s.content().code(),
                s.headers().isEmpty() ? null : seal.seal(s.id(), String.join("\n", s.headers())),
                s.heartbeatSeconds(), s.timeoutSeconds(), at(s.end()), s.reason(), s.baseUrl(), s.eventsSinceStart(),
                s.lastError(), at(s.nextHeartbeatAt()), at(s.createdAt()), at(s.lastUpdated()), s.versionId(),
                s.handshake(), s.handshakeAttempts(), at(s.handshakeDueAt()));
    }

    public Optional<StoredSubscription> find(String id) {
        List<StoredSubscription> found = query("SELECT " + COLUMNS + " FROM subscription WHERE id = ?", id);
        return found.stream().findFirst();
    }

    public List<StoredSubscription> ofClient(String clientId) {
        return query("SELECT " + COLUMNS + " FROM subscription WHERE client_id = ? ORDER BY created_at, id", clientId);
    }

    /** Deletes a subscription and its events (undelivered ones are never sent). */
    public boolean delete(String id) {
        return update("DELETE FROM subscription WHERE id = ?", id) == 1;
    }

    /** Subscriptions to {@code topic} that take events now, in id order (the order their rows are locked in). */
    public List<StoredSubscription> takingEvents(Topic topic) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM subscription WHERE topic = ? AND status IN ('active', 'error')"
                + " AND handshake = 'done' ORDER BY id", s -> {
            s.setString(1, topic.url());
            return rows(s);
        });
    }

    /**
     * Raises one event for a subscription in the current transaction: counts it ({@code events_since_start}, whose row
     * lock orders concurrent events of one subscription) and queues its notification under that number.
     */
    public long raise(String subscriptionId, String focusType, String focusId, Instant now) {
        int counted = jdbc.prepareStatement("UPDATE subscription SET events_since_start = events_since_start + 1 WHERE id = ?", s -> {
            s.setString(1, subscriptionId);
            return s.executeUpdate();
        });
        if (counted != 1) {
            return 0;
        }
        long number = jdbc.prepareStatement("SELECT events_since_start FROM subscription WHERE id = ?", s -> {
            s.setString(1, subscriptionId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        jdbc.prepareStatement("INSERT INTO subscription_event (subscription_id, event_number, focus_type, focus_id, occurred_at,"
                + " status, attempts, not_before) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)", s -> {
            s.setString(1, subscriptionId);
            s.setLong(2, number);
            s.setString(3, focusType);
            s.setString(4, focusId);
            s.setObject(5, at(now));
            s.setObject(6, at(now));
            return s.executeUpdate();
        });
        return number;
    }

    /** Current score Observations of a response (final or amended), in the caller's transaction. */
    public List<String> scoresOf(String responseId) {
        return jdbc.prepareStatement("SELECT id FROM observation WHERE response_id = ? AND status IN ('final', 'amended')"
                + " ORDER BY score_key, id", s -> {
            s.setString(1, responseId);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    /** Claims up to {@code limit} due events for a lease until {@code leaseUntil} under the token {@code claim}. */
    public List<ClaimedEvent> claim(String claim, Instant now, Instant leaseUntil, int limit) {
        try (Connection c = connection()) {
            return isPostgres(c) ? claimSkipLocked(c, claim, now, leaseUntil, limit) : claimOneByOne(c, claim, now, leaseUntil, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not claim subscription events", e);
        }
    }

    private List<ClaimedEvent> claimSkipLocked(Connection c, String claim, Instant now, Instant leaseUntil, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE subscription_event SET claimed_by = ?, claimed_until = ?"
                + " WHERE (subscription_id, event_number) IN (SELECT subscription_id, event_number FROM subscription_event WHERE " + DUE
                + " ORDER BY not_before, event_number LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + EVENT)) {
            s.setString(1, claim);
            s.setObject(2, at(leaseUntil));
            s.setObject(3, at(now));
            s.setObject(4, at(now));
            s.setInt(5, limit);
            return events(s, claim);
        }
    }

    private List<ClaimedEvent> claimOneByOne(Connection c, String claim, Instant now, Instant leaseUntil, int limit) throws SQLException {
        List<Object[]> candidates = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT subscription_id, event_number FROM subscription_event WHERE " + DUE
                + " ORDER BY not_before, event_number LIMIT ?")) {
            s.setObject(1, at(now));
            s.setObject(2, at(now));
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Object[] {rs.getString(1), rs.getLong(2)});
                }
            }
        }
        List<ClaimedEvent> claimed = new ArrayList<>();
        for (Object[] key : candidates) {
            // the same condition again: of two senders that read the same candidate, only one UPDATE changes the row
            try (PreparedStatement s = c.prepareStatement("UPDATE subscription_event SET claimed_by = ?, claimed_until = ?"
                    + " WHERE subscription_id = ? AND event_number = ? AND " + DUE)) {
                s.setString(1, claim);
                s.setObject(2, at(leaseUntil));
                s.setString(3, (String) key[0]);
                s.setLong(4, (Long) key[1]);
                s.setObject(5, at(now));
                s.setObject(6, at(now));
                if (s.executeUpdate() != 1) {
                    continue;
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT + " FROM subscription_event"
                    + " WHERE subscription_id = ? AND event_number = ? AND claimed_by = ?")) {
                s.setString(1, (String) key[0]);
                s.setLong(2, (Long) key[1]);
                s.setString(3, claim);
                claimed.addAll(events(s, claim));
            }
        }
        return claimed;
    }

    private static List<ClaimedEvent> events(PreparedStatement s, String claim) throws SQLException {
        List<ClaimedEvent> found = new ArrayList<>();
        try (ResultSet rs = s.execute() ? s.getResultSet() : null) {
            while (rs != null && rs.next()) {
                found.add(new ClaimedEvent(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getInt(6), claim));
            }
        }
        return found;
    }

    /** Starts an attempt: counts it and renews the lease while the claim is still ours. False: not ours any more. */
    public boolean startAttempt(ClaimedEvent e, Instant leaseUntil) {
        return update("UPDATE subscription_event SET attempts = attempts + 1, claimed_until = ?"
                + " WHERE subscription_id = ? AND event_number = ? AND claimed_by = ? AND status = 'queued'",
                at(leaseUntil), e.subscriptionId(), e.eventNumber(), e.claim()) == 1;
    }

    /** The event was delivered: sent, and the subscription is healthy and owes no heartbeat for a period. */
    public void delivered(ClaimedEvent e, Instant now, @Nullable Instant nextHeartbeat) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            execute(c, "UPDATE subscription_event SET status = 'sent', sent_at = ?, last_error = NULL, claimed_by = NULL,"
                    + " claimed_until = NULL WHERE subscription_id = ? AND event_number = ? AND claimed_by = ?",
                    at(now), e.subscriptionId(), e.eventNumber(), e.claim());
            execute(c, "UPDATE subscription SET status = 'active', last_error = NULL, next_heartbeat_at = ? WHERE id = ?",
                    at(nextHeartbeat), e.subscriptionId());
            c.commit();
        } catch (SQLException ex) {
            throw new IllegalStateException("Could not record a delivery", ex);
        }
    }

    /** The attempt failed: queued again at {@code retryAt}, or failed for good (null), and the subscription in error. */
    public void failed(ClaimedEvent e, String error, @Nullable Instant retryAt) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            execute(c, "UPDATE subscription_event SET status = ?, not_before = COALESCE(?, not_before), last_error = ?,"
                    + " claimed_by = NULL, claimed_until = NULL WHERE subscription_id = ? AND event_number = ? AND claimed_by = ?",
                    retryAt == null ? "failed" : "queued", at(retryAt), clip(error), e.subscriptionId(), e.eventNumber(), e.claim());
            execute(c, "UPDATE subscription SET status = 'error', last_error = ? WHERE id = ?", clip(error), e.subscriptionId());
            c.commit();
        } catch (SQLException ex) {
            throw new IllegalStateException("Could not record a failed delivery", ex);
        }
    }

    /** Deletes the delivered and given-up events whose last attempt was due before {@code before}; returns how many. */
    public int deleteFinishedEvents(Instant before) {
        return update(DELETE_FINISHED_EVENTS, at(before));
    }

    /** Gives a claim back without an attempt: the event waits until {@code notBefore}. */
    public void release(ClaimedEvent e, Instant notBefore) {
        update("UPDATE subscription_event SET not_before = ?, claimed_by = NULL, claimed_until = NULL"
                + " WHERE subscription_id = ? AND event_number = ? AND claimed_by = ?", at(notBefore), e.subscriptionId(),
                e.eventNumber(), e.claim());
    }

    /** Subscriptions whose heartbeat is due. */
    public List<StoredSubscription> heartbeatsDue(Instant now, int limit) {
        return query("SELECT " + COLUMNS + " FROM subscription WHERE next_heartbeat_at <= ? AND status IN ('active', 'error')"
                + " AND handshake = 'done' ORDER BY next_heartbeat_at LIMIT ?", at(now), limit);
    }

    /** Takes a due heartbeat: moves it on from {@code due} to {@code next}; only one instance wins. */
    public boolean takeHeartbeat(String id, Instant due, Instant next) {
        return update("UPDATE subscription SET next_heartbeat_at = ? WHERE id = ? AND next_heartbeat_at = ?", at(next), id, at(due)) == 1;
    }

    /** Subscriptions that owe a handshake now. */
    public List<StoredSubscription> handshakesDue(Instant now, int limit) {
        return query("SELECT " + COLUMNS + " FROM subscription WHERE handshake = 'pending' AND handshake_due_at <= ?"
                + " ORDER BY handshake_due_at LIMIT ?", at(now), limit);
    }

    /** Takes a due handshake for a lease (until {@code leaseUntil}); only one instance wins. */
    public boolean takeHandshake(String id, Instant due, Instant leaseUntil) {
        return update("UPDATE subscription SET handshake_due_at = ? WHERE id = ? AND handshake = 'pending' AND handshake_due_at = ?",
                at(leaseUntil), id, at(due)) == 1;
    }

    /** The endpoint accepted the handshake: the subscription is active and takes events from now on. */
    public void handshakeDone(String id, Instant now, @Nullable Instant nextHeartbeat) {
        update("UPDATE subscription SET handshake = 'done', handshake_attempts = handshake_attempts + 1, handshake_due_at = NULL,"
                + " status = 'active', last_error = NULL, next_heartbeat_at = ?, last_updated = ? WHERE id = ? AND handshake = 'pending'",
                at(nextHeartbeat), at(now), id);
    }

    /** The handshake failed: retried at {@code retryAt}, or given up (null); the subscription is in error meanwhile. */
    public void handshakeFailed(String id, String error, @Nullable Instant retryAt, Instant now) {
        update("UPDATE subscription SET handshake = ?, handshake_attempts = handshake_attempts + 1, handshake_due_at = ?,"
                + " status = 'error', last_error = ?, last_updated = ? WHERE id = ? AND handshake = 'pending'",
                retryAt == null ? "failed" : "pending", at(retryAt), clip(error), at(now), id);
    }

    /** The current version of a notification's focus with its response's facts; empty when it is gone. */
    public Optional<Focus> focus(String type, String id) {
        String sql = switch (type) {
            case "QuestionnaireResponse" -> "SELECT resource_json, subject_type, subject_id, unit_ref, shared, closed_to_guardians"
                    + " FROM questionnaire_response WHERE id = ?";
            case "Observation" -> "SELECT o.resource, r.subject_type, r.subject_id, r.unit_ref, r.shared, r.closed_to_guardians"
                    + " FROM observation o JOIN questionnaire_response r ON r.id = o.response_id WHERE o.id = ?";
            default -> throw new IllegalArgumentException(type);
        };
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                // a response's JSON is text, an Observation's packed (PackedObservationJson)
                String stored = "Observation".equals(type) ? PackedObservationJson.unpack(rs.getBytes(1)) : rs.getString(1);
                return Optional.of(new Focus(stored, new AccessPolicy.ResponseFacts(rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getBoolean(5), rs.getBoolean(6))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts of a subscription's events by status, for $status and operators. */
    public long undelivered(String subscriptionId) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM subscription_event WHERE subscription_id = ? AND status = 'queued'")) {
            s.setString(1, subscriptionId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<StoredSubscription> query(String sql, Object... parameters) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            return rows(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<StoredSubscription> rows(PreparedStatement s) throws SQLException {
        List<StoredSubscription> found = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String units = rs.getString(5);
                String id = rs.getString(1);
                String sealed = rs.getString(9);
                String headers = sealed == null ? null : seal.open(id, sealed);
                int period = rs.getInt(10);
                Integer heartbeat = rs.wasNull() ? null : period;
                found.add(new StoredSubscription(id, rs.getString(2), rs.getString(3),
                        Topic.ofUrl(rs.getString(4)).orElseThrow(), units == null ? null : new LinkedHashSet<>(Arrays.asList(units.split(" "))),
                        rs.getString(6), rs.getString(7), SubscriptionRequest.Content.of(rs.getString(8)),
                        headers == null ? List.of() : List.of(headers.split("\n")), heartbeat,
                        rs.getInt(11), instant(rs, 12), rs.getString(13), rs.getString(14), rs.getLong(15), rs.getString(16),
                        instant(rs, 17), instant(rs, 18), instant(rs, 19), rs.getInt(20), rs.getString(21), rs.getInt(22),
                        instant(rs, 23)));
            }
        }
        return found;
    }

    private int update(String sql, Object... parameters) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            s.setObject(i + 1, parameters[i]);
        }
    }

    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(true);
        return c;
    }

    private boolean isPostgres(Connection c) throws SQLException {
        if (postgres == null) {
            postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        }
        return postgres;
    }

    @Nullable
    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Nullable
    static OffsetDateTime at(@Nullable Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String clip(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }
}
