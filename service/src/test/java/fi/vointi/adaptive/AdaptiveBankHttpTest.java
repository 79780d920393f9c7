package fi.vointi.adaptive;

import fi.vointi.support.FhirTestClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo item bank passes start-up validation and is served like any questionnaire, without a token. */
@MicronautTest
class AdaptiveBankHttpTest {
    @Inject
    EmbeddedServer server;

    @Test
    void demoBankIsServed() {
        FhirTestClient.Reply reply = new FhirTestClient(server).get("/fhir/Questionnaire/demo-everyday-energy-bank");
        assertEquals(200, reply.status(), reply.body());
        Questionnaire bank = reply.resource(Questionnaire.class);
        assertEquals("https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank", bank.getUrl());
        assertEquals("1.1.0", bank.getVersion()); // 1.1.0: CHOIR's PROMIS CAT design
        assertTrue(AdaptiveBank.isAdaptive(bank));
        assertEquals(AdaptiveBankTest.demo().getItem().size(), AdaptiveBank.read(bank).items().size());
    }
}
