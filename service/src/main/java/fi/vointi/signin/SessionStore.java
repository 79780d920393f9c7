package fi.vointi.signin;

import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side sessions in the database (table {@code web_session}), so that any service instance on the same database
 * knows them. The cookie holds a random id of 256 bits; the table holds only its SHA-256. A session ends after
 * {@link SessionSettings#idle()} without requests or {@link SessionSettings#absolute()} after sign-in, whichever comes
 * first; an ended session is refused and deleted when it is next presented, and swept every few minutes.
 */
@Singleton
public class SessionStore {
    /** last_seen_at is written at most this often, so that a page with many assets is not a burst of writes. */
    static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ID_BYTES = 32;
    private static final int MAX_ID_LENGTH = 64;

    private final JdbcOperations jdbc;
    private final JsonMapper json;
    private final SessionSettings settings;

    public SessionStore(JdbcOperations jdbc, JsonMapper json, SessionSettings settings) {
        this.jdbc = jdbc;
        this.json = json;
        this.settings = settings;
    }

    /** A signed-in session: the subject and the claims the identity provider asserted. */
    public record WebSession(String subject, Map<String, Object> claims, Instant created, Instant lastSeen) {
    }

    /** Starts a session for {@code subject} with {@code claims}; returns the id for the cookie (never stored). */
    @Transactional
    public String create(String subject, Map<String, Object> claims) {
        byte[] bytes = new byte[ID_BYTES];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String claimsJson;
        try {
            claimsJson = json.writeValueAsString(claims);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.prepareStatement("INSERT INTO web_session (id_sha256, subject, claims_json, created_at, last_seen_at)"
                + " VALUES (?, ?, ?, ?, ?)", statement -> {
            statement.setString(1, sha256Hex(id));
            statement.setString(2, subject);
            statement.setString(3, claimsJson);
            statement.setTimestamp(4, now);
            statement.setTimestamp(5, now);
            return statement.executeUpdate();
        });
        return id;
    }

    /**
     * The live session with this cookie id, its last-seen time moved to now; empty for an unknown or ended one (an
     * ended one is deleted).
     */
    @Transactional
    public Optional<WebSession> find(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return Optional.empty();
        }
        String hash = sha256Hex(id);
        Optional<WebSession> found = jdbc.prepareStatement("SELECT subject, claims_json, created_at, last_seen_at"
                + " FROM web_session WHERE id_sha256 = ?", statement -> {
            statement.setString(1, hash);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new WebSession(rs.getString(1), claims(rs.getString(2)),
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()));
            }
        });
        if (found.isEmpty()) {
            return found;
        }
        WebSession session = found.get();
        Instant now = Instant.now();
        if (!now.isBefore(session.created().plus(settings.absolute())) || !now.isBefore(session.lastSeen().plus(settings.idle()))) {
            delete(id);
            return Optional.empty();
        }
        if (Duration.between(session.lastSeen(), now).compareTo(TOUCH_EVERY) >= 0) {
            jdbc.prepareStatement("UPDATE web_session SET last_seen_at = ? WHERE id_sha256 = ?", statement -> {
                statement.setTimestamp(1, Timestamp.from(now));
                statement.setString(2, hash);
                return statement.executeUpdate();
            });
        }
        return found;
    }

    /** Ends the session (sign-out); nothing happens for an unknown id. */
    @Transactional
    public void delete(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return;
        }
        jdbc.prepareStatement("DELETE FROM web_session WHERE id_sha256 = ?", statement -> {
            statement.setString(1, sha256Hex(id));
            return statement.executeUpdate();
        });
    }

    /** Deletes every ended session (idle or absolute timeout passed). */
    @Scheduled(fixedDelay = "5m", initialDelay = "3m")
    @Transactional
    public int deleteEnded() {
        Instant now = Instant.now();
        return jdbc.prepareStatement("DELETE FROM web_session WHERE last_seen_at <= ? OR created_at <= ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(now.minus(settings.idle())));
            statement.setTimestamp(2, Timestamp.from(now.minus(settings.absolute())));
            return statement.executeUpdate();
        });
    }

    private Map<String, Object> claims(String text) {
        try {
            Map<String, Object> claims = json.readValue(text, Argument.mapOf(String.class, Object.class));
            return claims == null ? Map.of() : claims;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256Hex(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
