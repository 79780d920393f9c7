package fi.vointi.scoring;

import fi.vointi.support.FhirTestClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The demo PROM with its scoring rules passes the start-up validation and is served with them. */
@MicronautTest
class DemoPromServedTest {
    @Inject
    EmbeddedServer server;

    @Test
    void demoPromLoadsAndIsServedWithItsScoringRules() {
        FhirTestClient.Reply reply = new FhirTestClient(server).get("/fhir/Questionnaire/demo-wellbeing-prom");
        assertEquals(200, reply.status());
        Questionnaire served = reply.resource(Questionnaire.class);
        assertEquals("1.2.0", served.getVersion());
        assertEquals(4, served.getExtensionsByUrl(ScoringRules.SCORING_RULE).size());
        assertEquals(List.of("sleep", "mood", "activity", "total"),
                ScoringRules.read(served).stream().map(ScoringRule::code).toList());
    }
}
