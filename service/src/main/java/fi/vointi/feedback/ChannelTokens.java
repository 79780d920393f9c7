package fi.vointi.feedback;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Channel tokens of SMS / e-mail feedback links ({@code {public base}/p/{token}}): a random token ({@link LinkTokens})
 * whose SHA-256 keys a row of {@code feedback_link} with the unit, its service, the channel, the audience (staff links)
 * and the expiry; never anything about the person it was sent to. A short random token, not a signed one, so that
 * the link fits in an SMS; nothing is derived from a key, so there is no key to configure or leak.
 */
@Singleton
class ChannelTokens {
    static final Set<String> TOKEN_CHANNELS = Set.of("sms");
    /** Short links: {@code {public base}/p/{token}}, answered by {@link ShortLinkController}. */
    static final String SHORT_LINK_PATH = "/p/";

    /**
     * What a valid token says.
     *
     * @param tokenId  the SHA-256 of the token (hex): what {@link TokenUses} marks used, never the token itself
     * @param audience the only audience the link may answer for (staff links), or null for the customer surveys
     */
    record ChannelToken(String unitId, @Nullable String serviceId, String channel, String tokenId, Instant expiresAt,
                        @Nullable String audience) {
    }

    /** Links issued at once, with their shared expiry. */
    record Issued(List<String> tokens, Instant expiresAt) {
    }

    /** Why a token is refused: told apart so that an expired link can say so in plain words. */
    static final class InvalidToken extends RuntimeException {
        private final boolean expired;

        InvalidToken(String message, boolean expired) {
            super(message);
            this.expired = expired;
        }

        boolean expired() {
            return expired;
        }
    }

    private final JdbcOperations jdbc;
    private final PublicLinks links;
    private final Clock clock;

    @Inject
    ChannelTokens(JdbcOperations jdbc, PublicLinks links) {
        this(jdbc, links, Clock.systemUTC());
    }

    ChannelTokens(JdbcOperations jdbc, PublicLinks links, Clock clock) {
        this.jdbc = jdbc;
        this.links = links;
        this.clock = clock;
    }

    String issue(String unitId, @Nullable String serviceId, String channel, Duration lifetime) {
        return issue(unitId, serviceId, channel, lifetime, null);
    }

    String issue(String unitId, @Nullable String serviceId, String channel, Duration lifetime, @Nullable String audience) {
        return issue(unitId, serviceId, channel, lifetime, audience, 1).tokens().get(0);
    }

    /** {@code count} new tokens for one unit, written in one batch. */
    @Transactional
    Issued issue(String unitId, @Nullable String serviceId, String channel, Duration lifetime, @Nullable String audience,
                 int count) {
        if (!TOKEN_CHANNELS.contains(channel)) {
            throw new IllegalArgumentException("Channel tokens are for " + TOKEN_CHANNELS + ", not " + channel);
        }
        Instant expires = clock.instant().plus(lifetime);
        List<String> tokens = new ArrayList<>(count);
        jdbc.prepareStatement("INSERT INTO feedback_link (token_sha256, unit_id, service_id, channel, audience, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", statement -> {
            for (int i = 0; i < count; i++) {
                String token = LinkTokens.newToken();
                tokens.add(token);
                statement.setString(1, LinkTokens.sha256Hex(token));
                statement.setString(2, unitId);
                nullableText(statement, 3, serviceId);
                statement.setString(4, channel);
                nullableText(statement, 5, audience);
                statement.setTimestamp(6, Timestamp.from(expires));
                statement.addBatch();
            }
            return statement.executeBatch();
        });
        return new Issued(List.copyOf(tokens), expires);
    }

    /** The link people are sent: short, because it goes into an SMS. */
    String shortLink(String token) {
        return links.base() + SHORT_LINK_PATH + token;
    }

    /** The token's link, or {@link InvalidToken} when it is malformed, unknown (forged, mistyped, forgotten) or expired. */
    @Transactional(readOnly = true)
    ChannelToken verify(String token) {
        ChannelToken found = find(token).orElseThrow(() -> new InvalidToken("The feedback link is not valid", false));
        if (!clock.instant().isBefore(found.expiresAt())) {
            throw new InvalidToken("The feedback link has expired", true);
        }
        return found;
    }

    /** A stored link whatever its state (expired, used), or empty when there is none. */
    @Transactional(readOnly = true)
    Optional<ChannelToken> find(String token) {
        if (!LinkTokens.wellFormed(token)) {
            return Optional.empty();
        }
        String tokenId = LinkTokens.sha256Hex(token);
        return jdbc.prepareStatement("SELECT unit_id, service_id, channel, expires_at, audience FROM feedback_link"
                + " WHERE token_sha256 = ?", statement -> {
            statement.setString(1, tokenId);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next() || !TOKEN_CHANNELS.contains(rs.getString("channel"))) {
                    return Optional.<ChannelToken>empty();
                }
                return Optional.of(new ChannelToken(rs.getString("unit_id"), rs.getString("service_id"), rs.getString("channel"),
                        tokenId, rs.getTimestamp("expires_at").toInstant(), rs.getString("audience")));
            }
        });
    }

    private static void nullableText(PreparedStatement statement, int index, @Nullable String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
