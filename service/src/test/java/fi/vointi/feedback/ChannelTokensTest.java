package fi.vointi.feedback;

import io.micronaut.context.annotation.Property;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short SMS link tokens against the real database: random enough, short enough, and kept only as a hash. */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.public-base-url", value = "https://palaute.example.fi")
class ChannelTokensTest {
    @Inject
    ChannelTokens tokens;
    @Inject
    TokenUses uses;
    @Inject
    DataSource dataSource;

    @Test
    void tokensAre128RandomBitsAndTheWholeLinkFitsIn60Characters() {
        ChannelTokens.Issued issued = tokens.issue("u-bits", null, "sms", Duration.ofDays(1), null, 1000);
        assertEquals(1000, new HashSet<>(issued.tokens()).size(), "every token its own");
        int[] ones = new int[LinkTokens.RANDOM_BYTES * 8];
        for (String token : issued.tokens()) {
            assertTrue(token.matches("[A-Za-z0-9_-]{22}"), token);
            byte[] bits = Base64.getUrlDecoder().decode(token);
            assertEquals(16, bits.length, "128 bits");
            for (int i = 0; i < ones.length; i++) {
                ones[i] += (bits[i / 8] >> (i % 8)) & 1;
            }
            String link = tokens.shortLink(token);
            assertEquals("https://palaute.example.fi/p/" + token, link);
            assertTrue(link.length() <= 60, link);
        }
        // every one of the 128 bits varies like a coin (1000 tosses: 500 ± 16; a bit stuck or biased is far outside)
        for (int i = 0; i < ones.length; i++) {
            assertTrue(ones[i] > 380 && ones[i] < 620, "bit " + i + " was 1 in " + ones[i] + " of 1000 tokens");
        }
    }

    @Test
    void onlyTheHashOfTheTokenIsStoredBesideTheLinksFacts() {
        String token = tokens.issue("u-hash", "svc-hash", "sms", Duration.ofDays(14), "staff");
        List<List<String>> rows = rows("SELECT * FROM feedback_link WHERE unit_id = 'u-hash'");
        assertEquals(1, rows.size());
        for (List<String> row : rows) {
            for (String value : row) {
                assertFalse(value != null && value.contains(token), "plaintext token in column value " + value);
            }
        }
        List<List<String>> byHash = rows("SELECT token_sha256, unit_id, service_id, channel, audience, used_at FROM feedback_link"
                + " WHERE token_sha256 = '" + LinkTokens.sha256Hex(token) + "'");
        assertEquals(List.of(LinkTokens.sha256Hex(token), "u-hash", "svc-hash", "sms", "staff"), byHash.get(0).subList(0, 5));
        assertNull(byHash.get(0).get(5), "not used yet");
        assertEquals(0, rows("SELECT * FROM feedback_link WHERE token_sha256 = '" + token + "'").size());
    }

    @Test
    void aTokenGivesBackItsUnitServiceChannelAudienceAndExpiry() {
        Instant before = Instant.now();
        ChannelTokens.Issued issued = tokens.issue("u1", "svc1", "sms", Duration.ofDays(14), null, 1);
        ChannelTokens.ChannelToken verified = tokens.verify(issued.tokens().get(0));
        assertEquals("u1", verified.unitId());
        assertEquals("svc1", verified.serviceId());
        assertEquals("sms", verified.channel());
        assertNull(verified.audience());
        assertEquals(issued.expiresAt().truncatedTo(ChronoUnit.MILLIS), verified.expiresAt().truncatedTo(ChronoUnit.MILLIS));
        assertFalse(verified.expiresAt().isBefore(before.plus(Duration.ofDays(14))));
        assertEquals(LinkTokens.sha256Hex(issued.tokens().get(0)), verified.tokenId(), "the id is the hash, never the token");
        assertNotEquals(issued.tokens().get(0), verified.tokenId());
        ChannelTokens.ChannelToken staff = tokens.verify(tokens.issue("u1", null, "sms", Duration.ofDays(1), "staff"));
        assertEquals("staff", staff.audience());
        assertNull(staff.serviceId());
        assertThrows(IllegalArgumentException.class, () -> tokens.issue("u1", null, "qr", Duration.ofDays(1)),
                "poster, web and kiosk links carry no token");
    }

    @Test
    void expiredUnknownAndMalformedTokensAreRefused() {
        String expired = tokens.issue("u1", null, "sms", Duration.ofSeconds(-1));
        assertTrue(assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify(expired)).expired());
        assertEquals("u1", tokens.find(expired).orElseThrow().unitId(), "still found, so the short link can say 'expired'");
        String signedLinkOfOld = "eyJhbGciOiJIUzI1NiJ9.eyJ1bml0IjoidTEifQ.c2lnbmF0dXJl";
        for (String unknown : List.of(LinkTokens.newToken(), "not-a-token", "", signedLinkOfOld, expired + "A",
                expired.substring(1), LinkTokens.sha256Hex(expired))) {
            assertFalse(assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify(unknown)).expired(), unknown);
            assertTrue(tokens.find(unknown).isEmpty(), unknown);
        }
    }

    @Test
    void aTokenIsUsedOnceAndAnExpiredOneNotAtAll() {
        ChannelTokens.ChannelToken link = tokens.verify(tokens.issue("u-use", null, "sms", Duration.ofHours(1)));
        assertFalse(uses.used(link.tokenId()));
        assertTrue(uses.claim(link.tokenId(), link.expiresAt()));
        assertTrue(uses.used(link.tokenId()));
        assertFalse(uses.claim(link.tokenId(), link.expiresAt()), "second use");
        // the use keeps only its hour, like the answer's time
        Instant usedAt = usedAt(link.tokenId());
        assertEquals(usedAt.truncatedTo(ChronoUnit.HOURS), usedAt);
        assertTrue(Duration.between(usedAt, Instant.now()).compareTo(Duration.ofHours(1)) < 0);

        ChannelTokens.ChannelToken expired = tokens.find(tokens.issue("u-use", null, "sms", Duration.ofSeconds(-1))).orElseThrow();
        assertFalse(uses.claim(expired.tokenId(), expired.expiresAt()));
        assertFalse(uses.used(expired.tokenId()));
    }

    private Instant usedAt(String tokenId) {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             var statement = c.prepareStatement("SELECT used_at FROM feedback_link WHERE token_sha256 = ?")) {
            statement.setString(1, tokenId);
            try (ResultSet rs = statement.executeQuery()) {
                assertTrue(rs.next());
                return rs.getTimestamp(1).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<List<String>> rows(String sql) {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
