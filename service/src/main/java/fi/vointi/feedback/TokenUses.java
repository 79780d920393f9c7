package fi.vointi.feedback;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Channel tokens are single-use: {@code feedback_token_use} keeps the SHA-256 of each used token's id (never the
 * token, never a link to the answer) until the token would have expired anyway.
 */
@Singleton
class TokenUses {
    private final JdbcOperations jdbc;

    TokenUses(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Marks the token used, inside the caller's transaction (so a failed answer leaves it unused).
     *
     * @return false when it was used before
     */
    @Transactional
    boolean claim(String tokenId, Instant expiresAt) {
        int inserted = jdbc.prepareStatement("INSERT INTO feedback_token_use (token_sha256, expires_at) VALUES (?, ?)"
                + " ON CONFLICT DO NOTHING", statement -> {
            statement.setString(1, sha256Hex(tokenId));
            statement.setTimestamp(2, Timestamp.from(expiresAt));
            return statement.executeUpdate();
        });
        return inserted == 1;
    }

    @Transactional(readOnly = true)
    boolean used(String tokenId) {
        return jdbc.prepareStatement("SELECT COUNT(*) FROM feedback_token_use WHERE token_sha256 = ?", statement -> {
            statement.setString(1, sha256Hex(tokenId));
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        });
    }

    /** Rows of expired tokens prove nothing any more. */
    @Scheduled(fixedDelay = "1h", initialDelay = "5m")
    @Transactional
    void forgetExpired() {
        jdbc.prepareStatement("DELETE FROM feedback_token_use WHERE expires_at < ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(Instant.now()));
            return statement.executeUpdate();
        });
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
