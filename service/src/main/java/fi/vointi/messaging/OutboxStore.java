package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
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
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code message_outbox} and {@code message_attempt}. {@link #enqueue} writes in the caller's transaction (the
 * invitation's); everything the sender does runs on its own autocommit connection, like {@code fi.vointi.ops.ClusterLock}:
 * a claim must be visible to the other instances at once, and must not wait for a slow provider.
 *
 * <p>Claiming: PostgreSQL picks due rows with {@code FOR UPDATE SKIP LOCKED}, so concurrent senders pass each other's
 * rows by; H2 (no SKIP LOCKED) claims row by row with a conditional UPDATE that only one transaction can win. Either way
 * a claim is a lease ({@code claimed_until}) under a token of its own ({@code claimed_by}); every later write is
 * conditional on that token, so a sender whose lease ran out and was taken over writes nothing.
 */
@Singleton
public class OutboxStore {
    private static final String CLAIMED = "id, channel, recipient, sender_name, subject, body, attempts, recipient_key, patient_id,"
            + " unsubscribe_link";
    private final JdbcOperations jdbc;
    private final DataSource dataSource;
    private volatile Boolean postgres;

    OutboxStore(JdbcOperations jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** A message to queue. */
    public record NewMessage(String id, Channel channel, String purpose, @Nullable String invitationId,
                             @Nullable String patientId, String recipientKey, String recipient, @Nullable String senderName,
                             @Nullable String subject, String body, Instant notBefore, Instant createdAt,
                             @Nullable String unsubscribeLink) {
        /** A message without an opt-out link (SMS: reply STOP). */
        public NewMessage(String id, Channel channel, String purpose, @Nullable String invitationId, @Nullable String patientId,
                          String recipientKey, String recipient, @Nullable String senderName, @Nullable String subject,
                          String body, Instant notBefore, Instant createdAt) {
            this(id, channel, purpose, invitationId, patientId, recipientKey, recipient, senderName, subject, body, notBefore,
                    createdAt, null);
        }
    }

    /** A claimed row, under the claim token that every later write of it must present. */
    public record Claimed(OutgoingMessage message, int attempts, String recipientKey, @Nullable String patientId,
                          String claim) {
    }

    /** Queues a message in the current transaction: it exists if and only if that transaction commits. */
    public void enqueue(NewMessage m) {
        jdbc.prepareStatement("INSERT INTO message_outbox (id, channel, purpose, invitation_id, patient_id, recipient_key,"
                + " recipient, sender_name, subject, body, status, attempts, not_before, created_at, unsubscribe_link)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)", s -> {
            s.setString(1, m.id());
            s.setString(2, m.channel().code());
            s.setString(3, m.purpose());
            s.setString(4, m.invitationId());
            s.setString(5, m.patientId());
            s.setString(6, m.recipientKey());
            s.setString(7, m.recipient());
            s.setString(8, m.senderName());
            s.setString(9, m.subject());
            s.setString(10, m.body());
            s.setObject(11, at(m.notBefore()));
            s.setObject(12, at(m.createdAt()));
            s.setString(13, m.unsubscribeLink());
            return s.executeUpdate();
        });
    }

    /** Claims up to {@code limit} due messages for {@code lease} under the claim token {@code claim}. */
    public List<Claimed> claim(String claim, Instant now, Instant leaseUntil, int limit) {
        try (Connection c = connection()) {
            return isPostgres(c) ? claimSkipLocked(c, claim, now, leaseUntil, limit) : claimOneByOne(c, claim, now, leaseUntil, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not claim messages", e);
        }
    }

    private static final String DUE = "status = 'queued' AND not_before <= ? AND (claimed_until IS NULL OR claimed_until <= ?)";

    private List<Claimed> claimSkipLocked(Connection c, String claim, Instant now, Instant leaseUntil, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE message_outbox SET claimed_by = ?, claimed_until = ? WHERE id IN"
                + " (SELECT id FROM message_outbox WHERE " + DUE + " ORDER BY not_before LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING " + CLAIMED)) {
            s.setString(1, claim);
            s.setObject(2, at(leaseUntil));
            s.setObject(3, at(now));
            s.setObject(4, at(now));
            s.setInt(5, limit);
            return claimed(s, claim);
        }
    }

    private List<Claimed> claimOneByOne(Connection c, String claim, Instant now, Instant leaseUntil, int limit) throws SQLException {
        List<String> candidates = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM message_outbox WHERE " + DUE + " ORDER BY not_before LIMIT ?")) {
            s.setObject(1, at(now));
            s.setObject(2, at(now));
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    candidates.add(rs.getString(1));
                }
            }
        }
        List<Claimed> claimed = new ArrayList<>();
        for (String id : candidates) {
            // the same condition again: of two senders that read the same candidate, only one UPDATE changes the row
            try (PreparedStatement s = c.prepareStatement("UPDATE message_outbox SET claimed_by = ?, claimed_until = ?"
                    + " WHERE id = ? AND " + DUE)) {
                s.setString(1, claim);
                s.setObject(2, at(leaseUntil));
                s.setString(3, id);
                s.setObject(4, at(now));
                s.setObject(5, at(now));
                if (s.executeUpdate() != 1) {
                    continue;
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT " + CLAIMED + " FROM message_outbox WHERE id = ? AND claimed_by = ?")) {
                s.setString(1, id);
                s.setString(2, claim);
                claimed.addAll(claimed(s, claim));
            }
        }
        return claimed;
    }

    private static List<Claimed> claimed(PreparedStatement s, String claim) throws SQLException {
        List<Claimed> found = new ArrayList<>();
        try (ResultSet rs = s.execute() ? s.getResultSet() : null) {
            while (rs != null && rs.next()) {
                found.add(new Claimed(new OutgoingMessage(rs.getString(1), Channel.of(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(10)), rs.getInt(7), rs.getString(8), rs.getString(9), claim));
            }
        }
        return found;
    }

    /**
     * Starts an attempt: renews the lease and counts the attempt, only while the claim is still ours and the message
     * still queued (not erased, not cancelled meanwhile). False: someone else has it now, do not send.
     */
    /** {@link #startAttempt(Claimed, String, Instant, Instant, Instant, int)}'s answer when the claim is no longer ours. */
    public static final Instant LOST = Instant.EPOCH;

    public boolean startAttempt(Claimed m, String instance, Instant now, Instant leaseUntil) {
        return startAttempt(m, instance, now, leaseUntil, null, 0) == null;
    }

    /**
     * Starts an attempt only while the address is under the per-person cap, counting the messages sent to it since
     * {@code capSince} and those whose attempt is under way on any instance. The address's rows are locked first
     * ({@code FOR UPDATE}), so two instances that claimed different messages to one person decide one after the other
     * and the second sees the first's attempt: the cap holds across instances.
     *
     * @return null when the attempt started; {@link #LOST} when the claim is no longer ours; else when the oldest send
     *     counted leaves the period (or {@code now} when only attempts under way fill the cap)
     */
    @Nullable
    public Instant startAttempt(Claimed m, String instance, Instant now, Instant leaseUntil, @Nullable Instant capSince, int cap) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            if (capSince != null) {
                try (PreparedStatement s = c.prepareStatement("SELECT id FROM message_outbox WHERE recipient_key = ? AND channel = ?"
                        + " FOR UPDATE")) {
                    s.setString(1, m.recipientKey());
                    s.setString(2, m.message().channel().code());
                    s.executeQuery().close();
                }
                try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MIN(o.sent_at) FROM message_outbox o"
                        + " WHERE o.recipient_key = ? AND o.channel = ? AND o.id <> ? AND (o.sent_at > ? OR (o.status = 'queued'"
                        + " AND o.claimed_until > ? AND EXISTS (SELECT 1 FROM message_attempt a WHERE a.message_id = o.id"
                        + " AND a.attempt = o.attempts AND a.outcome = 'started')))")) {
                    s.setString(1, m.recipientKey());
                    s.setString(2, m.message().channel().code());
                    s.setString(3, m.message().id());
                    s.setObject(4, at(capSince));
                    s.setObject(5, at(now));
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) >= cap) {
                            OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
                            c.rollback();
                            return oldest == null ? now : oldest.toInstant();
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE message_outbox SET attempts = attempts + 1, claimed_until = ?"
                    + " WHERE id = ? AND claimed_by = ? AND status = 'queued'")) {
                s.setObject(1, at(leaseUntil));
                s.setString(2, m.message().id());
                s.setString(3, m.claim());
                if (s.executeUpdate() != 1) {
                    c.rollback();
                    return LOST;
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO message_attempt (message_id, attempt, instance, started_at,"
                    + " outcome) VALUES (?, ?, ?, ?, 'started')")) {
                s.setString(1, m.message().id());
                s.setInt(2, m.attempts() + 1);
                s.setString(3, instance);
                s.setObject(4, at(now));
                s.executeUpdate();
            }
            c.commit();
            return null;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not start an attempt", e);
        }
    }

    /** Records the outcome of the attempt started last and moves the message on (sent, failed, or queued again). */
    public void finishAttempt(Claimed m, String outcome, @Nullable String detail, String status, @Nullable String providerId,
                              @Nullable Instant notBefore, Instant now, @Nullable Instant eraseAfter) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("UPDATE message_attempt SET outcome = ?, detail = ?"
                    + " WHERE message_id = ? AND attempt = ?")) {
                s.setString(1, outcome);
                s.setString(2, clip(detail));
                s.setString(3, m.message().id());
                s.setInt(4, m.attempts() + 1);
                s.executeUpdate();
            }
            boolean done = !"queued".equals(status);
            try (PreparedStatement s = c.prepareStatement("UPDATE message_outbox SET status = ?, provider_id = COALESCE(?, provider_id),"
                    + " last_error = ?, not_before = COALESCE(?, not_before), claimed_by = NULL, claimed_until = NULL,"
                    + " sent_at = COALESCE(?, sent_at), finished_at = ?, erase_after = ?"
                    + " WHERE id = ? AND claimed_by = ?")) {
                s.setString(1, status);
                s.setString(2, providerId);
                s.setString(3, "sent".equals(status) ? null : clip(detail));
                s.setObject(4, notBefore == null ? null : at(notBefore));
                s.setObject(5, "sent".equals(status) ? at(now) : null);
                s.setObject(6, done ? at(now) : null);
                s.setObject(7, eraseAfter == null ? null : at(eraseAfter));
                s.setString(8, m.message().id());
                s.setString(9, m.claim());
                s.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record an attempt", e);
        }
    }

    /** Gives the claim back without an attempt: the message waits until {@code notBefore} (quiet hours, rate cap). */
    public void defer(Claimed m, Instant notBefore) {
        update("UPDATE message_outbox SET not_before = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                at(notBefore), m.message().id(), m.claim());
    }

    /** Cancels a claimed message for good (opt-out) and erases its address and text at once. */
    public void cancel(Claimed m, String reason, Instant now) {
        update("UPDATE message_outbox SET status = 'cancelled', last_error = ?, recipient = NULL, body = NULL, subject = NULL,"
                + " unsubscribe_link = NULL, claimed_by = NULL, claimed_until = NULL, finished_at = ?, erase_after = ? WHERE id = ? AND claimed_by = ?",
                reason, at(now), at(now), m.message().id(), m.claim());
    }

    /** Cancels every message still queued to one of these keys (an opt-out): none of them goes out any more. */
    public int cancelQueued(String recipientKey, @Nullable String patientId, Instant now) {
        return update("UPDATE message_outbox SET status = 'cancelled', last_error = 'opted out', recipient = NULL, body = NULL,"
                + " subject = NULL, unsubscribe_link = NULL, claimed_by = NULL, claimed_until = NULL, finished_at = ?, erase_after = ?"
                + " WHERE status = 'queued' AND (recipient_key = ? OR patient_id = ?)", at(now), at(now), recipientKey, patientId);
    }

    /** The provider's report about a message it accepted; returns the patient and address key, if the message is known. */
    public Optional<String[]> report(Channel channel, String providerId, String providerStatus, @Nullable String status, Instant now) {
        try (Connection c = connection()) {
            String[] found = null;
            try (PreparedStatement s = c.prepareStatement("SELECT id, patient_id, recipient_key FROM message_outbox WHERE provider_id = ?"
                    + " AND channel = ?")) {
                s.setString(1, providerId);
                s.setString(2, channel.code());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        found = new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
                    }
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE message_outbox SET provider_status = ?, status = COALESCE(?, status)"
                    + " WHERE id = ? AND status IN ('sent', 'delivered', 'failed')")) {
                s.setString(1, clip(providerStatus, 32));
                s.setString(2, status);
                s.setString(3, found[0]);
                s.executeUpdate();
            }
            return Optional.of(found);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Patients who were sent something at this address (an SMS reply names only the number). */
    public List<String> patientsOf(String recipientKey) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("SELECT DISTINCT patient_id FROM message_outbox"
                + " WHERE recipient_key = ? AND patient_id IS NOT NULL")) {
            s.setString(1, recipientKey);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Storage limitation: erases addresses and texts whose time has come, and deletes records older than
     * {@code recordsBefore}. Returns {erased, deleted}.
     */
    public int[] expire(Instant now, Instant recordsBefore) {
        int erased = update(ERASE_DUE, at(now));
        int deleted = update(DELETE_OLD_RECORDS, at(recordsBefore));
        return new int[] {erased, deleted};
    }

    /*
     * Both run after every round of every instance (MessageSender, every 15 s), so each reads only what is due (V35):
     * on PostgreSQL ix_message_outbox_erase_due holds only the rows with an address or text left, not every row ever
     * erased; ix_message_outbox_finished_at finds the records past their retention without reading the others.
     */
    static final String ERASE_DUE = "UPDATE message_outbox SET recipient = NULL, body = NULL, subject = NULL,"
            + " unsubscribe_link = NULL WHERE erase_after <= ? AND (recipient IS NOT NULL OR body IS NOT NULL)";
    static final String DELETE_OLD_RECORDS = "DELETE FROM message_outbox WHERE finished_at < ?";

    private int update(String sql, Object... parameters) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(true);
        return c;
    }

    private boolean isPostgres(Connection c) throws SQLException {
        if (postgres == null) {
            postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        }
        return postgres;
    }

    static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    @Nullable
    private static String clip(@Nullable String text) {
        return clip(text, 500);
    }

    @Nullable
    private static String clip(@Nullable String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
