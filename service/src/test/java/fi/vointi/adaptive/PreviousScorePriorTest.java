package fi.vointi.adaptive;

import fi.vointi.cat.Answer;
import fi.vointi.cat.CatReplay;
import fi.vointi.cat.CatStep;
import fi.vointi.observations.ScoreCodes;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import fi.vointi.responses.ResponseService;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static fi.vointi.adaptive.BankVariants.part;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, the previous-score prior at administration, over HTTP: a test of a bank with {@code previousScorePrior}
 * started by storing an empty draft takes the patient's previous theta (clamped) as its prior mean, sealed in the
 * cat-state, and every later step ($next-question, store) replays with it. The bank is a copy of the demo bank written
 * here with {@code previousScorePrior} and a limit of 0.5, so that a previous theta from an extreme test is clamped.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreviousScorePriorTest implements TestPropertyProvider {
    static final String NEXT = "/fhir/Questionnaire/$next-question";
    static final String PRIOR = "test-cat-previous-prior";
    static final double LIMIT = 0.5;
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    AdaptiveBanks banks;

    FhirTestClient anonymous;
    Tokens tokens;

    @Override
    public Map<String, String> getProperties() {
        BankVariants variants = new BankVariants().write(PRIOR, design -> {
            part(design, "previousScorePrior", new BooleanType(true));
            part(design, "previousScoreLimit", new DecimalType(LIMIT));
            // the first item depends on the prior only under prior-weighted information
            part(design, "selection", new CodeType("max-posterior-info"));
            // the grid must cover the limit +- 4 prior SD
            part(design, "quadratureMin", new DecimalType(-5));
            part(design, "quadratureMax", new DecimalType(5));
        }, null);
        return Map.of("vointi.questionnaires.dir", variants.dir());
    }

    @BeforeEach
    void setUp() {
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
    }

    @Test
    void aPatientWithAnEarlierTestStartsAtTheClampedPreviousTheta() {
        String patient = "prior-" + UUID.randomUUID();
        AdaptiveBank bank = bank();
        // an earlier test, every answer in the highest category: a theta well above the limit
        QuestionnaireResponse earlier = runToEnd(next(startBody()), 4);
        String earlierId = store(forPatient(earlier, patient), patient);
        double previous = theta(observations(patient, earlierId));
        assertTrue(previous > LIMIT, "the earlier test should end above the clamp: " + previous);

        QuestionnaireResponse draft = draft(patient);
        CatState state = CatState.of(draft).orElseThrow();
        assertEquals(previous, state.previousTheta().orElseThrow(), 0.0, "the previous theta is sealed into the state");
        CatStep expected = bank.engine().next(List.of(), state.seed(), OptionalDouble.of(previous));
        assertEquals(LIMIT, expected.estimate().theta(), 0.01, "the prior mean is the clamped previous theta");
        assertEquals(expected.estimate().theta(), estimateTheta(draft), 1e-6);

        // continued through $next-question: the first item is the engine's with that prior ...
        QuestionnaireResponse first = next(continuing(draft));
        String firstItem = lastAsked(first);
        assertEquals(expected.nextItemId(), firstItem);
        assertEquals(previous, CatState.of(contained(first)).orElseThrow().previousTheta().orElseThrow(), 0.0);
        // ... and the finished test, stored, is replayed and scored with it
        QuestionnaireResponse done = runToEnd(first, 1);
        Reply stored = asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(done, patient));
        assertEquals(201, stored.status(), stored.body());
        QuestionnaireResponse saved = stored.resource(QuestionnaireResponse.class);
        assertEquals(previous, CatState.of(saved).orElseThrow().previousTheta().orElseThrow(), 0.0);
        List<Answer> answers = answers(bank, done);
        List<String> asked = answers.stream().map(Answer::itemId).toList();
        CatStep withPrior = CatReplay.replay(bank.engine(), state.seed(), OptionalDouble.of(previous), asked, answers, true).last();
        assertTrue(CatReplay.replay(bank.engine(), state.seed(), OptionalDouble.of(previous), asked, answers, true).ok());
        assertEquals(withPrior.estimate().theta(), estimateTheta(saved), 1e-6);
        CatStep withoutPrior = bank.engine().next(answers, state.seed());
        assertTrue(Math.abs(withoutPrior.estimate().theta() - withPrior.estimate().theta()) > 1e-6,
                "the prior moved the estimate");
    }

    @Test
    void aPatientWithoutHistoryStartsAtTheDesignPrior() {
        String patient = "prior-" + UUID.randomUUID();
        AdaptiveBank bank = bank();
        QuestionnaireResponse draft = draft(patient);
        CatState state = CatState.of(draft).orElseThrow();
        assertTrue(state.previousTheta().isEmpty(), "no previous score, none in the state");
        CatStep expected = bank.engine().next(List.of(), state.seed());
        assertEquals(bank.design().priorMean(), expected.estimate().theta(), 0.01);
        assertEquals(expected.estimate().theta(), estimateTheta(draft), 1e-6);
        assertEquals(expected.nextItemId(), lastAsked(next(continuing(draft))));
    }

    @Test
    void $nextQuestionAloneReadsNoHistory() {
        // $next-question needs no login: a subject named by the client is not looked up
        String patient = "prior-" + UUID.randomUUID();
        String earlierId = store(forPatient(runToEnd(next(startBody()), 4), patient), patient);
        assertFalse(observations(patient, earlierId).isEmpty());
        QuestionnaireResponse start = startBody();
        start.setSubject(new Reference("Patient/" + patient));
        QuestionnaireResponse first = next(start);
        assertTrue(CatState.of(contained(first)).orElseThrow().previousTheta().isEmpty());
    }

    @Test
    void aTamperedPreviousThetaIsRefused() {
        String patient = "prior-" + UUID.randomUUID();
        store(forPatient(runToEnd(next(startBody()), 4), patient), patient);
        QuestionnaireResponse draft = draft(patient);
        CatState state = CatState.of(draft).orElseThrow();
        assertTrue(state.previousTheta().isPresent());

        // changed on the contained Questionnaire of $next-question
        QuestionnaireResponse lowered = continuing(draft);
        new CatState(state.seed(), state.seal(), OptionalDouble.of(-1.5)).putOn(contained(lowered));
        assertTrue(anonymous.post(NEXT, lowered).outcome(422).contains("cat-state"));
        // removed
        QuestionnaireResponse removed = continuing(draft);
        new CatState(state.seed(), state.seal()).putOn(contained(removed));
        assertTrue(anonymous.post(NEXT, removed).outcome(422).contains("cat-state"));
        // changed on the stored draft
        QuestionnaireResponse stored = draft.copy();
        new CatState(state.seed(), state.seal(), OptionalDouble.of(0.1)).putOn(stored);
        assertTrue(asPatient(patient).put("/fhir/QuestionnaireResponse/" + draft.getIdElement().getIdPart(), stored)
                .outcome(422).contains("cat-state"));
        // not a number
        QuestionnaireResponse garbled = continuing(draft);
        contained(garbled).getExtensionByUrl(CatState.URL).getExtensionByUrl("previousTheta").setValue(new CodeType("x"));
        assertTrue(anonymous.post(NEXT, garbled).outcome(422).contains("previousTheta"));
    }

    @Test
    void theAnsweringPagesStartWithThePreviousScore() {
        String patient = "prior-" + UUID.randomUUID();
        AdaptiveBank bank = bank();
        store(forPatient(runToEnd(next(startBody()), 4), patient), patient);
        String unit = "unit-" + UUID.randomUUID();
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patient));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null)))
                .setValue(new CanonicalType(bank.questionnaire().getUrl()));
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        Reply invited = anonymous.as(tokens.clinician(unit)).post("/fhir/Task", task);
        assertEquals(201, invited.status(), invited.body());
        String token = tokens.patient(patient);
        Reply started = anonymous.as(token).send(HttpRequest.newBuilder(anonymous.uri("/app/adaptive/start"))
                .POST(HttpRequest.BodyPublishers.ofString("task=" + invited.resource(Task.class).getIdElement().getIdPart()
                        + "&lang=en")).header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html"));
        assertEquals(303, started.status(), started.body());
        String responseId = started.header("Location").substring("/app/adaptive/".length());
        Reply read = asPatient(patient).get("/fhir/QuestionnaireResponse/" + responseId);
        assertEquals(200, read.status(), read.body());
        CatState state = CatState.of(read.resource(QuestionnaireResponse.class)).orElseThrow();
        assertTrue(state.previousTheta().isPresent(), "the pages' draft carries the previous score");
        Reply shown = anonymous.as(token).send(HttpRequest.newBuilder(anonymous.uri("/app/adaptive/" + responseId + "?lang=en"))
                .GET().header("Accept", "text/html"));
        assertEquals(200, shown.status(), shown.body());
        String expected = bank.engine().next(List.of(), state.seed(), state.previousTheta()).nextItemId();
        assertTrue(shown.body().contains("name=\"question\" value=\"" + expected + "\""), "the first item with the prior: " + expected);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private AdaptiveBank bank() {
        return banks.byId(PRIOR).orElseThrow();
    }

    private FhirTestClient asPatient(String patient) {
        return anonymous.as(tokens.patient(patient));
    }

    private QuestionnaireResponse startBody() {
        QuestionnaireResponse start = new QuestionnaireResponse();
        start.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        start.setQuestionnaire(bank().canonical());
        return start;
    }

    /** A test started as the answering pages start one: an empty in-progress response stored for the patient. */
    private QuestionnaireResponse draft(String patient) {
        QuestionnaireResponse draft = forPatient(startBody(), patient);
        Reply created = asPatient(patient).post("/fhir/QuestionnaireResponse", draft);
        assertEquals(201, created.status(), created.body());
        return created.resource(QuestionnaireResponse.class);
    }

    /** The $next-question form of a stored draft without answers: the state moves to the contained Questionnaire. */
    private QuestionnaireResponse continuing(QuestionnaireResponse draft) {
        QuestionnaireResponse working = new QuestionnaireResponse();
        working.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        Questionnaire asked = new Questionnaire();
        asked.setId(NextQuestionService.CONTAINED_ID);
        asked.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
        asked.addDerivedFrom(bank().canonical());
        CatState.of(draft).orElseThrow().putOn(asked);
        working.addContained(asked);
        working.setQuestionnaire("#" + NextQuestionService.CONTAINED_ID);
        return working;
    }

    private static QuestionnaireResponse forPatient(QuestionnaireResponse response, String patient) {
        QuestionnaireResponse copy = response.copy();
        copy.setSubject(new Reference("Patient/" + patient));
        return copy;
    }

    private String store(QuestionnaireResponse response, String patient) {
        Reply created = asPatient(patient).post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        return created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    private List<Observation> observations(String patient, String responseId) {
        Reply reply = asPatient(patient).get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Bundle.class).getEntry().stream().map(e -> (Observation) e.getResource()).toList();
    }

    private static double theta(List<Observation> observations) {
        for (Observation o : observations) {
            for (Observation.ObservationComponentComponent c : o.getComponent()) {
                if (ScoreCodes.THETA.equals(c.getCode().getCodingFirstRep().getCode())) {
                    return c.getValueQuantity().getValue().doubleValue();
                }
            }
        }
        throw new AssertionError("no theta component");
    }

    private QuestionnaireResponse next(QuestionnaireResponse response) {
        Reply reply = anonymous.post(NEXT, response);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class);
    }

    /** Answers every item in {@code category} (0 = lowest ordinal) until the test ends. */
    private QuestionnaireResponse runToEnd(QuestionnaireResponse response, int category) {
        while (response.getStatus() == QuestionnaireResponseStatus.INPROGRESS) {
            String linkId = lastAsked(response);
            response.addItem().setLinkId(linkId).addAnswer().setValue(optionOf(bank(), linkId, category));
            response = next(response);
        }
        return response;
    }

    private static Type optionOf(AdaptiveBank bank, String linkId, int category) {
        List<Questionnaire.QuestionnaireItemAnswerOptionComponent> options = new ArrayList<>(bank.item(linkId).orElseThrow()
                .getAnswerOption());
        options.sort(Comparator.comparingDouble(o -> ((DecimalType) o.getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).getValue())
                .getValueAsNumber().doubleValue()));
        return options.get(Math.min(category, options.size() - 1)).getValue().copy();
    }

    private List<Answer> answers(AdaptiveBank bank, QuestionnaireResponse response) {
        // the items as the client is shown them (without parameters), as $next-question checks them
        AdaptiveSession.Checked checked = AdaptiveSession.check(bank, id -> banks.presented(bank, id, null),
                contained(response).getItem(),
                response.getItem(), true);
        assertTrue(checked.ok(), String.valueOf(checked.problems()));
        return checked.answers();
    }

    private static String lastAsked(QuestionnaireResponse response) {
        List<Questionnaire.QuestionnaireItemComponent> items = contained(response).getItem();
        return items.get(items.size() - 1).getLinkId();
    }

    private static double estimateTheta(QuestionnaireResponse response) {
        Extension estimate = response.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE);
        assertNotNull(estimate, "the server's cat-estimate");
        return ((BigDecimal) ((DecimalType) estimate.getExtensionByUrl("theta").getValue()).getValue()).doubleValue();
    }

    private static Questionnaire contained(QuestionnaireResponse response) {
        return (Questionnaire) response.getContained().stream().filter(r -> r instanceof Questionnaire).findFirst().orElseThrow();
    }
}
