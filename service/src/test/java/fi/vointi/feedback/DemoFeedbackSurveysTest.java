package fi.vointi.feedback;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped demo feedback questionnaires meet the feedback rules and say in every language that they are demos. */
class DemoFeedbackSurveysTest {
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final Map<String, String> DEMOS = Map.of("demo-customer-feedback", "adult", "demo-child-feedback", "child",
            "demo-relative-feedback", "relative", "demo-staff-enps", "staff");

    static Questionnaire load(String id) throws IOException {
        try (InputStream in = DemoFeedbackSurveysTest.class.getResourceAsStream("/questionnaires/" + id + ".json")) {
            return FHIR.newJsonParser().parseResource(Questionnaire.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyAudienceHasADemoThatMeetsTheRules() throws IOException {
        for (Map.Entry<String, String> demo : DEMOS.entrySet()) {
            Questionnaire q = load(demo.getKey());
            assertEquals(demo.getValue(), FeedbackSurveys.audienceOf(q).orElseThrow(), demo.getKey());
            assertEquals(List.of(), FeedbackSurveyRules.problems(q), demo.getKey());
            assertTrue(q.getDescription().startsWith("Vointi demo") && q.getDescription().contains("THL"), demo.getKey());
            for (String lang : List.of("sv", "en")) {
                String translated = FeedbackLanguage.text(q.getDescriptionElement(), lang);
                assertTrue(translated.startsWith("Vointi demo") && translated.contains("THL"), demo.getKey() + " " + lang);
            }
        }
        assertEquals("1.1.0", load("demo-customer-feedback").getVersion(), "tagging changed its content: new version");
    }

    @Test
    void brokenSurveysAreNamed() throws IOException {
        Questionnaire noRecommendation = load("demo-staff-enps");
        noRecommendation.getItem().remove(0);
        assertTrue(FeedbackSurveyRules.problems(noRecommendation).get(0).contains("exactly one recommendation"));

        Questionnaire twoRecommendations = load("demo-staff-enps");
        twoRecommendations.addItem(twoRecommendations.getItemFirstRep().copy().setLinkId("again"));
        assertTrue(FeedbackSurveyRules.problems(twoRecommendations).get(0).contains("not 2"));

        Questionnaire notAnonymous = load("demo-child-feedback");
        notAnonymous.getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/anonymous-answering").setValue(new BooleanType(false));
        notAnonymous.getExtensionByUrl(FeedbackSurveys.SURVEY_EXTENSION).setValue(new CodeType("pets"));
        List<String> problems = FeedbackSurveyRules.problems(notAnonymous);
        assertEquals(2, problems.size(), problems.toString());

        Questionnaire textRecommendation = load("demo-relative-feedback");
        textRecommendation.getItemFirstRep().setType(QuestionnaireItemType.STRING).getAnswerOption().clear();
        textRecommendation.getItem().get(2).getCode().clear();
        textRecommendation.getItem().get(2).addCode(new Coding(FeedbackSurveys.ITEM_SYSTEM, "mood", null));
        assertEquals(2, FeedbackSurveyRules.problems(textRecommendation).size());

        Questionnaire prom = new Questionnaire().setTitle("not feedback");
        prom.addItem().setLinkId("a").setType(QuestionnaireItemType.STRING).setTextElement(new StringType("x"));
        assertEquals(List.of(), FeedbackSurveyRules.problems(prom), "other questionnaires are not checked");
    }
}
