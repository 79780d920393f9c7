package fi.vointi.security;

import com.nimbusds.jwt.JWTClaimsSet;
import fi.vointi.support.FhirTestClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 13 case 9: a token without {@code exp} never expires, so it is refused; {@code nbf} and {@code iat} in the
 * future beyond the clock skew (default 60 s) are refused; within the skew they are accepted. Over HTTP with tokens
 * signed by a trusted key.
 */
@MicronautTest
class TokenTimesTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void tokensMustCarryExpAndMayNotComeFromTheFuture() {
        Instant now = Instant.now();
        assertEquals(200, status(b -> b.expirationTime(date(now.plusSeconds(600)))), "a plain valid token");
        assertEquals(401, status(b -> b), "no exp at all");
        assertEquals(401, status(b -> b.expirationTime(date(now.plusSeconds(600))).notBeforeTime(date(now.plusSeconds(600)))),
                "nbf ten minutes ahead");
        assertEquals(401, status(b -> b.expirationTime(date(now.plus(Duration.ofDays(2)))).issueTime(date(now.plus(Duration.ofDays(1))))),
                "iat a day ahead");
        assertEquals(200, status(b -> b.expirationTime(date(now.plusSeconds(600))).notBeforeTime(date(now.plusSeconds(20)))
                .issueTime(date(now.plusSeconds(20)))), "nbf and iat 20 s ahead: within the 60 s skew");
        assertEquals(401, status(b -> b.expirationTime(date(now.minusSeconds(120)))), "expired beyond the skew");
    }

    @Test
    void theRuleItself() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Duration skew = Duration.ofSeconds(60);
        Date exp = date(now.plusSeconds(300));
        assertEquals("no exp", TokenTimesValidator.problem(null, null, null, now, skew));
        assertNull(TokenTimesValidator.problem(exp, date(now.plusSeconds(60)), date(now.plusSeconds(60)), now, skew));
        assertEquals("nbf in the future", TokenTimesValidator.problem(exp, date(now.plusSeconds(61)), null, now, skew));
        assertEquals("iat in the future", TokenTimesValidator.problem(exp, null, date(now.plusSeconds(61)), now, skew));
        assertEquals("expired", TokenTimesValidator.problem(date(now.minusSeconds(60)), null, null, now, skew));
        assertEquals("nbf in the future", TokenTimesValidator.problem(exp, "tomorrow", null, now, skew));
    }

    private int status(UnaryOperator<JWTClaimsSet.Builder> times) {
        JWTClaimsSet claims = times.apply(new JWTClaimsSet.Builder().subject("times").issuer("urn:vointi:dev-issuer")
                .audience("vointi").claim("roles", List.of("patient")).claim("patient", "times")).build();
        return new FhirTestClient(server).as(issuer.sign(claims)).get("/fhir/QuestionnaireResponse?patient=times").status();
    }

    private static Date date(Instant instant) {
        return Date.from(instant);
    }
}
