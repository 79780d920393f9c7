package fi.vointi.feedback;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTokensTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    final byte[] key = ChannelTokens.randomKey();
    final ChannelTokens tokens = new ChannelTokens(key, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aTokenCarriesUnitServiceAndChannelAndNothingElse() throws Exception {
        String token = tokens.issue("u1", "svc1", "sms", Duration.ofDays(14));
        ChannelTokens.ChannelToken verified = tokens.verify(token);
        assertEquals("u1", verified.unitId());
        assertEquals("svc1", verified.serviceId());
        assertEquals("sms", verified.channel());
        assertEquals(NOW.plus(Duration.ofDays(14)), verified.expiresAt());
        assertEquals(Set.of("iss", "aud", "jti", "iat", "exp", "unit", "service", "channel"),
                SignedJWT.parse(token).getJWTClaimsSet().getClaims().keySet());
        assertNull(tokens.verify(tokens.issue("u1", null, "sms", Duration.ofDays(1))).serviceId());
        assertFalse(tokens.issue("u1", null, "sms", Duration.ofDays(1)).equals(tokens.issue("u1", null, "sms", Duration.ofDays(1))),
                "every token has its own id");
    }

    @Test
    void expiredForgedAndForeignTokensAreRefused() throws JOSEException {
        String token = tokens.issue("u1", null, "sms", Duration.ofHours(1));
        ChannelTokens later = new ChannelTokens(key, Clock.fixed(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertTrue(assertThrows(ChannelTokens.InvalidToken.class, () -> later.verify(token)).expired());

        ChannelTokens otherKey = new ChannelTokens(ChannelTokens.randomKey(), Clock.fixed(NOW, ZoneOffset.UTC));
        assertFalse(assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify(otherKey.issue("u1", null, "sms",
                Duration.ofDays(1)))).expired());
        assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify("not-a-token"));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ChannelTokens.ISSUER).audience(ChannelTokens.AUDIENCE)
                .jwtID("x").expirationTime(Date.from(NOW.plusSeconds(60))).claim("unit", "u1").claim("channel", "sms").build();
        assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify(new PlainJWT(claims).serialize()), "alg none");
        SignedJWT wrongChannel = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder(claims).claim("channel", "qr").build());
        wrongChannel.sign(new MACSigner(key));
        assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify(wrongChannel.serialize()));
        SignedJWT wrongAudience = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder(claims).audience("vointi").build());
        wrongAudience.sign(new MACSigner(key));
        assertThrows(ChannelTokens.InvalidToken.class, () -> tokens.verify(wrongAudience.serialize()));
        SignedJWT right = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        right.sign(new MACSigner(key));
        assertEquals("u1", tokens.verify(right.serialize()).unitId());
    }

    @Test
    void productionNeedsAConfiguredKeyOfAtLeast32Bytes() {
        assertThrows(ConfigurationException.class, () -> ChannelTokens.key(null, Set.of("postgres"), false));
        assertThrows(ConfigurationException.class, () -> ChannelTokens.key("too short", Set.of("postgres"), false));
        assertEquals(40, ChannelTokens.key("x".repeat(40), Set.of("postgres"), false).length);
        assertEquals(32, ChannelTokens.key(null, Set.of(), true).length, "dev mode: random key");
        assertEquals(32, ChannelTokens.key(null, Set.of("test"), false).length, "tests: random key");
    }
}
