package fi.vointi.responses;

import fi.vointi.results.ResultsPagesTest;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A young person's own answers are closed to their guardians from the age limit on (vointi.privacy.guardian-age-limit,
 * default 10) — on every path a guardian could read them: read, search, scores, score series, the pages, sharing and
 * the GDPR copy. The guardian's own proxy answers and a younger child's answers stay open to the guardian.
 */
@MicronautTest(transactional = false)
class YoungPersonPrivacyTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    private String young(Tokens tokens, String patient, int ageYears) {
        return tokens.issue("self-" + patient, Map.of("roles", List.of("patient"), "patient", patient,
                "birthdate", LocalDate.now().minusYears(ageYears).minusDays(1).toString()));
    }

    private static String store(FhirTestClient client, QuestionnaireResponse response) {
        Reply reply = client.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    private static Reply page(FhirTestClient client, String path) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).GET().header("Accept", "text/html"));
    }

    @Test
    void aFifteenYearOldsOwnAnswersAreClosedToTheGuardianOnEveryPath() {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        String venla = "venla-" + UUID.randomUUID().toString().substring(0, 8);
        FhirTestClient asVenla = anonymous.as(young(tokens, venla, 15));
        FhirTestClient guardian = anonymous.as(tokens.guardian(venla));
        FhirTestClient clinician = anonymous.as(tokens.clinician(ResultsPagesTest.UNIT));

        String own = store(asVenla, ResultsPagesTest.prom(venla, "2026-03-15T10:00:00+02:00", ResultsPagesTest.all(3)));
        String byGuardian = store(guardian, ResultsPagesTest.prom(venla, "2026-03-16T10:00:00+02:00", ResultsPagesTest.all(2)));

        assertEquals(200, asVenla.get("/fhir/QuestionnaireResponse/" + own).status(), "her own");
        Reply hidden = guardian.get("/fhir/QuestionnaireResponse/" + own);
        assertEquals(404, hidden.status());
        assertEquals(guardian.get("/fhir/QuestionnaireResponse/no-such-id").body()
                .replace("no-such-id", own), hidden.body(), "the same answer as an unknown id");
        assertEquals(200, guardian.get("/fhir/QuestionnaireResponse/" + byGuardian).status(), "the guardian's own proxy answer");

        List<String> found = guardian.get("/fhir/QuestionnaireResponse?patient=" + venla).resource(Bundle.class).getEntry()
                .stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
        assertEquals(List.of(byGuardian), found, "search leaves her own out");
        Bundle scores = guardian.get("/fhir/Observation?patient=" + venla).resource(Bundle.class);
        assertTrue(scores.getEntry().stream().noneMatch(e -> e.getResource().toString().contains(own)
                || ((org.hl7.fhir.r4.model.Observation) e.getResource()).getDerivedFromFirstRep().getReference().contains(own)));
        assertFalse(scores.getEntry().isEmpty(), "the proxy answer's scores are there");
        String series = guardian.getJson("/api/patients/" + venla + "/scores?code=demo-wellbeing-prom.total").body();
        assertFalse(series.contains(own), series);
        assertEquals(404, page(guardian, "/app/results/" + own).status());
        assertFalse(page(guardian, "/app/results?patient=" + venla).body().contains(own));
        assertTrue(page(asVenla, "/app/results").body().contains(own));

        // she decides about sharing, not the guardian; once shared, her care team reads it
        assertEquals(404, guardian.post("/fhir/QuestionnaireResponse/" + own + "/$share", "{\"resourceType\":\"Parameters\"}").status());
        assertFalse(guardian.get("/fhir/Patient/" + venla + "/$everything").body().contains(own), "the guardian's GDPR copy");
        assertTrue(asVenla.get("/fhir/Patient/" + venla + "/$everything").body().contains(own), "hers");
        assertEquals(404, clinician.get("/fhir/QuestionnaireResponse/" + own).status(), "not shared yet");
    }

    @Test
    void aNineYearOldsAnswersAndAnswersWithoutABirthDateStayOpenToTheGuardian() {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        String onni = "onni-" + UUID.randomUUID().toString().substring(0, 8);
        String child = store(anonymous.as(young(tokens, onni, 9)),
                ResultsPagesTest.prom(onni, "2026-03-15T10:00:00+02:00", ResultsPagesTest.all(1)));
        String noAge = store(anonymous.as(tokens.patient(onni)),
                ResultsPagesTest.prom(onni, "2026-03-17T10:00:00+02:00", ResultsPagesTest.all(1)));
        FhirTestClient guardian = anonymous.as(tokens.guardian(onni));
        assertEquals(200, guardian.get("/fhir/QuestionnaireResponse/" + child).status());
        assertEquals(200, guardian.get("/fhir/QuestionnaireResponse/" + noAge).status(), "no birthdate claim: the rule cannot apply");
    }
}
