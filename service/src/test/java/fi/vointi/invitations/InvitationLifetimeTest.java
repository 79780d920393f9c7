package fi.vointi.invitations;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configured default lifetime of a link, and the tokens themselves. */
@MicronautTest(transactional = false)
@Property(name = "vointi.invitations.lifetime", value = "2d")
class InvitationLifetimeTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void configuredLifetimeIsTheDefaultExpiry() {
        FhirTestClient clinician = new FhirTestClient(server).as(new Tokens(issuer).clinician("unit-" + UUID.randomUUID()));
        FhirTestClient.Reply reply = clinician.post("/fhir/Task",
                InvitationApiTest.invitation(UUID.randomUUID().toString(), InvitationApiTest.PROM_URL));
        assertEquals(201, reply.status(), reply.body());
        Instant end = reply.resource(Task.class).getRestriction().getPeriod().getEnd().toInstant();
        Duration left = Duration.between(Instant.now(), end);
        assertTrue(left.compareTo(Duration.ofDays(2)) <= 0 && left.compareTo(Duration.ofDays(2).minusMinutes(1)) > 0,
                left.toString());
    }

    @Test
    void lifetimeAbove90DaysIsAConfigurationError() {
        InvitationConfiguration configuration = new InvitationConfiguration();
        assertThrows(IllegalArgumentException.class, () -> configuration.setLifetime(Duration.ofDays(91)));
        assertThrows(IllegalArgumentException.class, () -> configuration.setLifetime(Duration.ZERO));
    }

    @Test
    void tokensAreRandomBase64UrlAndStoredAsSha256Hex() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String token = InvitationTokens.newToken();
            assertTrue(InvitationTokens.wellFormed(token), token);
            assertTrue(seen.add(token));
        }
        // SHA-256 of "abc", FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", InvitationTokens.sha256Hex("abc"));
        assertTrue(!InvitationTokens.wellFormed("short") && !InvitationTokens.wellFormed(null));
    }
}
