package fi.vointi.adaptive;

import fi.vointi.observations.Reporter;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The previous CAT theta of a patient on a bank, read back from the stored Observation (H2 and PostgreSQL). */
@MicronautTest
class PreviousScoresTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    AdaptiveBanks banks;
    @Inject
    PreviousScores previous;

    @Test
    void theLatestStoredThetaOfTheSameReporterIsFound() {
        AdaptiveBank bank = banks.byId("demo-everyday-energy-bank").orElseThrow();
        String patient = "prev-" + UUID.randomUUID();
        assertEquals(OptionalDouble.empty(), previous.previousTheta(bank, patient, Reporter.SELF));

        double first = storeTest(bank, patient, 0);   // always the lowest option
        double second = storeTest(bank, patient, 2);  // the middle option: a later, higher score
        assertTrue(first < second, first + " < " + second);
        OptionalDouble found = previous.previousTheta(bank, patient, Reporter.SELF);
        assertEquals(second, found.orElseThrow(), 0.00005, "the latest score, as stored (theta to 4 decimals)");
        assertEquals(OptionalDouble.empty(), previous.previousTheta(bank, patient, Reporter.PROXY), "never a proxy's");
        // what a previous-score design does with it: the clamped prior mean
        assertEquals(Math.max(-2, Math.min(2, found.getAsDouble())), bank.engine().priorMeanFor(found.getAsDouble()));
    }

    /** A whole test through $next-question, each asked item answered with the option of rank {@code rank}; stored. */
    private double storeTest(AdaptiveBank bank, String patient, int rank) {
        FhirTestClient client = new FhirTestClient(server);
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        response.setQuestionnaire(bank.canonical());
        while (response.getStatus() == QuestionnaireResponseStatus.INPROGRESS) {
            if (response.hasContained()) {
                Questionnaire asked = (Questionnaire) response.getContained().stream()
                        .filter(r -> r instanceof Questionnaire).findFirst().orElseThrow();
                Questionnaire.QuestionnaireItemComponent item = asked.getItem().get(asked.getItem().size() - 1);
                List<Questionnaire.QuestionnaireItemAnswerOptionComponent> options = new ArrayList<>(item.getAnswerOption());
                options.sort(Comparator.comparingDouble(o -> ((DecimalType) o.getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE)
                        .getValue()).getValueAsNumber().doubleValue()));
                response.addItem().setLinkId(item.getLinkId()).addAnswer().setValue(options.get(rank).getValue().copy());
            }
            Reply reply = client.post("/fhir/Questionnaire/$next-question", response);
            assertEquals(200, reply.status(), reply.body());
            response = reply.resource(QuestionnaireResponse.class);
        }
        response.setSubject(new Reference("Patient/" + patient));
        Reply stored = client.as(new Tokens(issuer).patient(patient)).post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, stored.status(), stored.body());
        QuestionnaireResponse saved = stored.resource(QuestionnaireResponse.class);
        return ((DecimalType) saved.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE).getExtensionByUrl("theta").getValue())
                .getValueAsNumber().doubleValue();
    }
}
