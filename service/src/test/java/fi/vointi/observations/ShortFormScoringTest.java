package fi.vointi.observations;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.scoring.ScoreResult;
import fi.vointi.scoring.Scorer;
import fi.vointi.scoring.ScoringRule;
import fi.vointi.scoring.ScoringRules;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo bank's 8-item short form is a fixed form (not adaptive) scored by IRT summed score; completing it over
 * HTTP yields the T-score and SE of the Lord–Wingersky table of the answered items (the table itself is checked
 * against brute force and a published table in IrtSumScoringTest and SumScoreTableTest).
 */
@MicronautTest
class ShortFormScoringTest {
    static final String SF = "demo-everyday-energy-sf8";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    QuestionnaireCatalog catalog;

    @Test
    void completingTheShortFormYieldsItsIrtSumScore() {
        Questionnaire sf = catalog.byId(SF).orElseThrow();
        assertFalse(AdaptiveBank.isAdaptive(sf), "a calibrated fixed form, answered like any fixed questionnaire");
        String patient = "sf-" + UUID.randomUUID();
        FhirTestClient client = new FhirTestClient(server).as(new Tokens(issuer).patient(patient));

        // five of the eight answered, with the options at positions 3, 1, 4, 2, 0 (by ordinal value)
        int[] positions = {3, 1, 4, 2, 0};
        QuestionnaireResponse response = new QuestionnaireResponse()
                .setQuestionnaire(sf.getUrl() + "|" + sf.getVersion())
                .setStatus(QuestionnaireResponseStatus.COMPLETED)
                .setSubject(new Reference("Patient/" + patient));
        for (int i = 0; i < positions.length; i++) {
            var item = sf.getItem().get(i);
            int position = positions[i];
            var option = item.getAnswerOption().stream()
                    .filter(o -> ((org.hl7.fhir.r4.model.DecimalType) o.getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).getValue())
                            .getValueAsNumber().intValue() == position)
                    .findFirst().orElseThrow();
            response.addItem().setLinkId(item.getLinkId()).addAnswer().setValue(option.getValue().copy());
        }
        Reply created = client.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();

        List<ScoringRule> rules = ScoringRules.read(sf);
        ScoreResult expected = Scorer.score(rules, ScoringRules.answers(sf, rules, response)).get(0);
        Bundle found = client.get("/fhir/Observation?derived-from=" + id).resource(Bundle.class);
        assertEquals(1, found.getEntry().size());
        Observation score = (Observation) found.getEntryFirstRep().getResource();
        assertEquals("demo-everyday-energy-sf8.short-form", score.getCode().getCodingFirstRep().getCode());
        assertEquals(0, expected.value().compareTo(score.getValueQuantity().getValue()));
        assertEquals("{T-score}", score.getValueQuantity().getCode());
        // summed score 10 of 5 items × 4: near the middle of the metric, with a sizeable SE for five items
        double t = score.getValueQuantity().getValue().doubleValue();
        assertTrue(t > 35 && t < 65, "T " + t);
        var se = score.getComponent().stream().filter(c -> c.getCode().getCodingFirstRep().getCode().equals("standard-error"))
                .findFirst().orElseThrow().getValueQuantity().getValue();
        assertEquals(0, expected.standardError().compareTo(se));
        assertTrue(se.doubleValue() > 2 && se.doubleValue() < 8, "SE " + se);

        // three answered: fewer than the rule's 4, so no value and why
        QuestionnaireResponse few = response.copy();
        few.getItem().subList(3, 5).clear();
        Reply stored = client.post("/fhir/QuestionnaireResponse", few);
        assertEquals(201, stored.status(), stored.body());
        Observation none = (Observation) client.get("/fhir/Observation?derived-from="
                + stored.resource(QuestionnaireResponse.class).getIdElement().getIdPart()).resource(Bundle.class)
                .getEntryFirstRep().getResource();
        assertFalse(none.hasValue());
        assertEquals("not-performed", none.getDataAbsentReason().getCodingFirstRep().getCode());
    }
}
