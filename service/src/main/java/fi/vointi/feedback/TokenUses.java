package fi.vointi.feedback;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Channel tokens are single-use: {@code feedback_link.used_at} is set by the answer stored with the token. It keeps
 * only the hour, like the answer's own time, so that the link row cannot be matched to one answer by its moment.
 */
@Singleton
class TokenUses {
    /** How long a link's row outlives its expiry, so that a late click still hears "expired" rather than "not valid". */
    static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(30);

    private final JdbcOperations jdbc;

    TokenUses(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Marks the token used, inside the caller's transaction (so a failed answer leaves it unused). The UPDATE locks
     * the row, so of concurrent answers with one token exactly one wins.
     *
     * @param tokenId   {@link ChannelTokens.ChannelToken#tokenId()}, the token's SHA-256
     * @param expiresAt what the caller verified; the row's own expiry is checked again here, at the moment of use
     * @return false when it was used before (or has expired since it was verified)
     */
    @Transactional
    boolean claim(String tokenId, Instant expiresAt) {
        Instant now = Instant.now();
        int updated = jdbc.prepareStatement("UPDATE feedback_link SET used_at = ?"
                + " WHERE token_sha256 = ? AND used_at IS NULL AND expires_at > ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(now.truncatedTo(ChronoUnit.HOURS)));
            statement.setString(2, tokenId);
            statement.setTimestamp(3, Timestamp.from(now));
            return statement.executeUpdate();
        });
        return updated == 1;
    }

    @Transactional(readOnly = true)
    boolean used(String tokenId) {
        return jdbc.prepareStatement("SELECT COUNT(*) FROM feedback_link WHERE token_sha256 = ? AND used_at IS NOT NULL",
                statement -> {
                    statement.setString(1, tokenId);
                    try (var rs = statement.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) > 0;
                    }
                });
    }

    /** Links long expired prove nothing any more. */
    @Scheduled(fixedDelay = "1h", initialDelay = "5m")
    @Transactional
    void forgetExpired() {
        jdbc.prepareStatement("DELETE FROM feedback_link WHERE expires_at < ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(Instant.now().minus(KEPT_AFTER_EXPIRY)));
            return statement.executeUpdate();
        });
    }
}
