package fi.vointi.adaptive;

import fi.vointi.cat.Answer;
import fi.vointi.cat.CatStep;
import fi.vointi.cat.IrtItem;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A whole adaptive test over HTTP with $next-question, its refusals, storage of the result, and $simulate. */
@MicronautTest
class NextQuestionApiTest {
    static final String BANK_ID = "demo-everyday-energy-bank";
    static final String NEXT = "/fhir/Questionnaire/$next-question";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    AdaptiveBanks banks;

    FhirTestClient anonymous;
    AdaptiveBank bank;

    @BeforeEach
    void setUp() {
        anonymous = new FhirTestClient(server);
        bank = banks.byId(BANK_ID).orElseThrow();
    }

    @Test
    void aWholeTestFromEmptyToCompletedIsStoredWithTheServersEstimate() {
        QuestionnaireResponse response = start();
        Random random = new Random(7);
        int calls = 0;
        while (response.getStatus() == QuestionnaireResponseStatus.INPROGRESS) {
            Questionnaire asked = contained(response);
            assertEquals(response.getItem().size() + 1, asked.getItem().size(), "exactly one new item per call");
            answerLast(response, 0.8, random);
            response = next(response);
            calls++;
            assertTrue(calls <= 40, "the test ends");
        }
        int length = response.getItem().size();
        assertTrue(length >= 4 && length <= 12, "PROMIS-like length, was " + length);
        Extension estimate = response.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE);
        assertEquals(length, ((IntegerType) estimate.getExtensionByUrl("itemsAdministered").getValue()).getValue());
        double theta = decimal(estimate, "theta");
        double se = decimal(estimate, "standardError");
        assertTrue(se <= 0.3 || length == 12, "stopped for precision or length");
        // the demo bank reports T to 1 decimal (CHOIR's PROMIS CAT, issue 14)
        assertEquals(50 + 10 * theta, decimal(estimate, "score"), 0.05 + 1e-6);

        // the same figures as the engine itself on the answers in the order asked
        List<Answer> answers = new ArrayList<>();
        for (var item : response.getItem()) {
            answers.add(new Answer(item.getLinkId(), bank.category(item.getLinkId(), item.getAnswerFirstRep().getValue()).getAsInt()));
        }
        CatStep direct = bank.engine().next(answers);
        assertEquals(direct.estimate().theta(), theta, 1e-6);
        assertEquals(direct.estimate().standardError(), se, 1e-6);

        // stored like any other response, for the patient, with the server's estimate whatever the client says
        String patient = "cat-" + UUID.randomUUID();
        response.setSubject(new Reference("Patient/" + patient));
        estimate.getExtensionByUrl("theta").setValue(new DecimalType(3.9));
        FhirTestClient patientClient = anonymous.as(new Tokens(issuer).patient(patient));
        Reply created = patientClient.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        assertEquals(bank.canonical(), stored.getQuestionnaire());
        assertFalse(stored.hasContained(), "the working copy of the asked items is not stored");
        assertEquals(theta, decimal(stored.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE), "theta"), 1e-6);
        QuestionnaireResponse readBack = patientClient.get("/fhir/QuestionnaireResponse/" + stored.getIdElement().getIdPart())
                .resource(QuestionnaireResponse.class);
        assertEquals(length, readBack.getItem().size());
        assertEquals(theta, decimal(readBack.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE), "theta"), 1e-6);

        // and its score is an Observation: the T-score with its SE (the demo bank reports them to 1 decimal, from the
        // unrounded theta: CHOIR's PROMIS CAT, issue 14), theta and the items used
        Reply observations = patientClient.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + stored.getIdElement().getIdPart());
        assertEquals(200, observations.status(), observations.body());
        List<org.hl7.fhir.r4.model.Bundle.BundleEntryComponent> entries = observations.resource(org.hl7.fhir.r4.model.Bundle.class).getEntry();
        assertEquals(1, entries.size());
        org.hl7.fhir.r4.model.Observation score = (org.hl7.fhir.r4.model.Observation) entries.get(0).getResource();
        assertEquals("demo-everyday-energy-bank.cat", score.getCode().getCodingFirstRep().getCode());
        assertEquals("{T-score}", score.getValueQuantity().getCode());
        assertEquals(direct.score().value(), score.getValueQuantity().getValue().doubleValue(), 1e-9);
        assertEquals(direct.score().standardError(), component(score, "standard-error").getValueQuantity().getValue().doubleValue(), 1e-9);
        assertEquals(50 + 10 * theta, score.getValueQuantity().getValue().doubleValue(), 0.05 + 1e-6);
        assertEquals(10 * se, component(score, "standard-error").getValueQuantity().getValue().doubleValue(), 0.05 + 1e-6);
        assertEquals(theta, component(score, "theta").getValueQuantity().getValue().doubleValue(), 0.00005);
        assertEquals(length, component(score, "items-answered").getValueIntegerType().getValue());
        assertEquals("Patient/" + patient, score.getSubject().getReference());
    }

    private static org.hl7.fhir.r4.model.Observation.ObservationComponentComponent component(
            org.hl7.fhir.r4.model.Observation observation, String code) {
        return observation.getComponent().stream().filter(c -> code.equals(c.getCode().getCodingFirstRep().getCode()))
                .findFirst().orElseThrow(() -> new AssertionError("no component " + code));
    }

    @Test
    void theFormalParametersFormsOfSdcStu3AndStu4AreAnsweredInKind() {
        // SDC STU3: in -> out; SDC STU4: questionnaire-response -> return
        for (String[] names : new String[][]{{"in", "out"}, {"questionnaire-response", "return"}}) {
            QuestionnaireResponse start = new QuestionnaireResponse();
            start.setStatus(QuestionnaireResponseStatus.INPROGRESS);
            start.setQuestionnaire(bank.canonical());
            Parameters in = new Parameters();
            in.addParameter().setName(names[0]).setResource(start);
            Reply reply = anonymous.post("/fhir/Questionnaire/%24next-question", in);
            assertEquals(200, reply.status(), reply.body());
            Parameters out = reply.resource(Parameters.class);
            assertEquals(1, out.getParameter().size());
            assertEquals(names[1], out.getParameterFirstRep().getName());
            QuestionnaireResponse first = (QuestionnaireResponse) out.getParameterFirstRep().getResource();
            assertEquals(1, contained(first).getItem().size());

            // and the test continues in the same form
            answerLast(first, 0, new Random(5));
            Parameters again = new Parameters();
            again.addParameter().setName(names[0]).setResource(first);
            Parameters second = anonymous.post("/fhir/Questionnaire/$next-question", again).resource(Parameters.class);
            assertEquals(names[1], second.getParameterFirstRep().getName());
            assertEquals(2, contained((QuestionnaireResponse) second.getParameterFirstRep().getResource()).getItem().size());
        }
        Parameters wrongName = new Parameters();
        wrongName.addParameter().setName("response").setResource(new QuestionnaireResponse()
                .setStatus(QuestionnaireResponseStatus.INPROGRESS).setQuestionnaire(bank.canonical()));
        assertTrue(anonymous.post(NEXT, wrongName).outcome(400).contains("questionnaire-response"));
    }

    @Test
    void itemsAreShownWithoutParametersAndInTheRespondentsLanguage() {
        QuestionnaireResponse all = start();
        Questionnaire.QuestionnaireItemComponent shown = contained(all).getItemFirstRep();
        assertFalse(shown.hasExtension(AdaptiveBank.IRT_ITEM), "no IRT parameters in what the client sees");
        assertTrue(shown.getTextElement().hasExtension(ItemPresentation.TRANSLATION), "all translations without a language");

        QuestionnaireResponse swedish = new QuestionnaireResponse().setStatus(QuestionnaireResponseStatus.INPROGRESS)
                .setQuestionnaire(bank.canonical());
        swedish.setLanguage("sv");
        swedish = next(swedish);
        Questionnaire.QuestionnaireItemComponent sv = contained(swedish).getItemFirstRep();
        String expected = bank.item(sv.getLinkId()).orElseThrow().getTextElement().getExtensionsByUrl(ItemPresentation.TRANSLATION)
                .stream().filter(t -> "sv".equals(t.getExtensionByUrl("lang").getValue().primitiveValue())).findFirst()
                .orElseThrow().getExtensionByUrl("content").getValue().primitiveValue();
        assertEquals(expected, sv.getText());
        assertFalse(sv.getTextElement().hasExtension(ItemPresentation.TRANSLATION));
        answerLast(swedish, 0, new Random(3));
        assertEquals(2, contained(next(swedish)).getItem().size(), "the Swedish session continues");
        // the same items claimed in another language than the response's are refused as changed
        swedish.setLanguage("en");
        assertTrue(anonymous.post(NEXT, swedish).outcome(422).contains("differs from the bank"));
    }

    @Test
    void tamperedOrInconsistentSessionsAreRefused() {
        QuestionnaireResponse base = start();
        answerLast(base, 0, new Random(1));
        base = next(base);
        answerLast(base, 0, new Random(2));

        QuestionnaireResponse tamperedText = base.copy();
        contained(tamperedText).getItemFirstRep().setText("Something else entirely");
        assertTrue(anonymous.post(NEXT, tamperedText).outcome(422).contains("differs from the bank"));

        QuestionnaireResponse neverAsked = base.copy();
        String unasked = bank.items().items().stream().map(IrtItem::id)
                .filter(id -> contained(neverAsked).getItem().stream().noneMatch(i -> i.getLinkId().equals(id))).findFirst().orElseThrow();
        neverAsked.addItem().setLinkId(unasked).addAnswer().setValue(neverAsked.getItemFirstRep().getAnswerFirstRep().getValue());
        assertTrue(anonymous.post(NEXT, neverAsked).outcome(422).contains("never asked"));

        QuestionnaireResponse foreignOption = base.copy();
        foreignOption.getItemFirstRep().getAnswerFirstRep().setValue(new StringType("lots"));
        assertTrue(anonymous.post(NEXT, foreignOption).outcome(422).contains("not one of its options"));

        QuestionnaireResponse otherVersion = base.copy();
        contained(otherVersion).getDerivedFrom().get(0).setValue(bank.questionnaire().getUrl() + "|0.9.0");
        assertTrue(anonymous.post(NEXT, otherVersion).outcome(422).contains("not served"));

        QuestionnaireResponse unanswered = base.copy();
        unanswered.getItem().remove(unanswered.getItem().size() - 1);
        assertTrue(anonymous.post(NEXT, unanswered).outcome(422).contains("Answer the items already asked"));

        QuestionnaireResponse finished = base.copy().setStatus(QuestionnaireResponseStatus.COMPLETED);
        anonymous.post(NEXT, finished).outcome(422);

        QuestionnaireResponse notABank = new QuestionnaireResponse().setStatus(QuestionnaireResponseStatus.INPROGRESS)
                .setQuestionnaire("https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom|1.2.0");
        assertTrue(anonymous.post(NEXT, notABank).outcome(422).contains("not an adaptive questionnaire"));
        anonymous.post(NEXT, new Parameters()).outcome(400);

        // storing a test that has not finished as completed is refused
        String patient = "cat-" + UUID.randomUUID();
        QuestionnaireResponse early = base.copy().setStatus(QuestionnaireResponseStatus.COMPLETED);
        early.setSubject(new Reference("Patient/" + patient));
        assertTrue(anonymous.as(new Tokens(issuer).patient(patient)).post("/fhir/QuestionnaireResponse", early)
                .outcome(422).contains("has not finished"));
    }

    @Test
    void simulationReportsLengthBiasAndRmseForAdministratorsOnly() {
        Tokens tokens = new Tokens(issuer);
        String path = "/fhir/Questionnaire/" + BANK_ID + "/$simulate?respondents=300&seed=11";
        anonymous.post(path, "").outcome(401);
        anonymous.as(tokens.patient("sim")).post(path, "").outcome(403);
        Reply reply = anonymous.as(tokens.admin()).post(path, "");
        assertEquals(200, reply.status(), reply.body());
        Parameters report = reply.resource(Parameters.class);
        double length = ((DecimalType) report.getParameter("meanTestLength").getValue()).getValueAsNumber().doubleValue();
        double rmse = ((DecimalType) report.getParameter("rmse").getValue()).getValueAsNumber().doubleValue();
        double correlation = ((DecimalType) report.getParameter("correlationWithFullBank").getValue()).getValueAsNumber().doubleValue();
        assertTrue(length >= 4 && length <= 12, "length " + length);
        assertTrue(rmse > 0 && rmse < 0.5, "rmse " + rmse);
        assertTrue(correlation > 0.85, "correlation " + correlation);

        Parameters conditional = anonymous.as(tokens.admin())
                .post("/fhir/Questionnaire/" + BANK_ID + "/$simulate?thetas=-2,0,2&replications=50", "").resource(Parameters.class);
        assertEquals(3, conditional.getParameter().stream().filter(p -> p.getName().equals("atTheta")).count());
        anonymous.as(tokens.admin()).post("/fhir/Questionnaire/" + BANK_ID + "/$simulate?thetas=x", "").outcome(400);
        anonymous.as(tokens.admin()).post("/fhir/Questionnaire/demo-wellbeing-prom/$simulate", "").outcome(404);
    }

    private QuestionnaireResponse start() {
        QuestionnaireResponse start = new QuestionnaireResponse();
        start.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        start.setQuestionnaire(bank.canonical());
        QuestionnaireResponse first = next(start);
        assertEquals("#" + NextQuestionService.CONTAINED_ID, first.getQuestionnaire());
        assertEquals(1, contained(first).getItem().size());
        assertTrue(first.hasExtension(AdaptiveBank.CAT_ESTIMATE));
        return first;
    }

    private QuestionnaireResponse next(QuestionnaireResponse response) {
        Reply reply = anonymous.post(NEXT, response);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class);
    }

    /** Answers the newest asked item as a respondent at {@code theta} would, drawing from the item's model. */
    private void answerLast(QuestionnaireResponse response, double theta, Random random) {
        Questionnaire.QuestionnaireItemComponent item = contained(response).getItem().get(contained(response).getItem().size() - 1);
        IrtItem model = bank.items().get(item.getLinkId());
        double[] p = new double[model.categories()];
        model.probabilities(theta, p);
        double u = random.nextDouble();
        int category = 0;
        for (double cumulative = p[0]; cumulative < u && category < p.length - 1; cumulative += p[++category]) {
            // walk the cumulative distribution
        }
        List<Questionnaire.QuestionnaireItemAnswerOptionComponent> options = new ArrayList<>(item.getAnswerOption());
        options.sort(Comparator.comparingDouble(o -> ((DecimalType) o.getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).getValue())
                .getValueAsNumber().doubleValue()));
        response.addItem().setLinkId(item.getLinkId()).addAnswer().setValue(options.get(category).getValue().copy());
    }

    private static Questionnaire contained(QuestionnaireResponse response) {
        return (Questionnaire) response.getContained().stream().filter(r -> r instanceof Questionnaire).findFirst().orElseThrow();
    }

    private static double decimal(Extension estimate, String part) {
        return ((DecimalType) estimate.getExtensionByUrl(part).getValue()).getValueAsNumber().doubleValue();
    }
}
