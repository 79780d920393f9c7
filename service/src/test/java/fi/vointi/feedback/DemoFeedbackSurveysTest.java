package fi.vointi.feedback;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped demo feedback questionnaires meet the feedback rules, follow the THL model (optional statements with
 * "can't say", one open-text limit) and say in every language that they are demos.
 */
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
        // changed content gets a new version: the catalog refuses changed content under a published one
        assertEquals("1.2.0", load("demo-customer-feedback").getVersion(), "1.1.0 tagged, 1.2.0 optional statements");
        for (String id : List.of("demo-child-feedback", "demo-relative-feedback", "demo-staff-enps")) {
            assertEquals("1.1.0", load(id).getVersion(), id + ": 1.0.0 had required statements and no \"can't say\"");
        }
    }

    /**
     * The THL model: the recommendation is required, every statement optional and answerable "can't say" (an option
     * without ordinalValue, in all three languages), and the open text has one limit, 2,000 characters, for everyone.
     */
    @Test
    void statementsAreOptionalWithCantSayAndOpenTextHasOneLimit() throws IOException {
        Map<String, String> cantSay = Map.of("demo-customer-feedback", "cant-say", "demo-relative-feedback", "cant-say",
                "demo-staff-enps", "cant-say", "demo-child-feedback", "dont-know");
        for (String id : DEMOS.keySet()) {
            Questionnaire q = load(id);
            int statements = 0;
            int openTexts = 0;
            for (QuestionnaireItemComponent item : flatten(q.getItem())) {
                String kind = FeedbackAnswers.kindOf(item).orElse("");
                switch (kind) {
                    case "recommendation" -> assertTrue(item.getRequired(), id + ": the recommendation is required");
                    case "statement", "own-statement" -> {
                        statements++;
                        assertFalse(item.getRequired(), id + " " + item.getLinkId() + ": statements are optional one by one");
                        List<Questionnaire.QuestionnaireItemAnswerOptionComponent> options = item.getAnswerOption();
                        assertEquals(6, options.size(), id + " " + item.getLinkId());
                        Questionnaire.QuestionnaireItemAnswerOptionComponent last = options.get(5);
                        Coding coding = last.getValueCoding();
                        assertEquals(cantSay.get(id), coding.getCode(), id + " " + item.getLinkId());
                        assertNull(last.getExtensionByUrl(FeedbackAnswers.ORDINAL_VALUE), "\"can't say\" has no ordinal value");
                        assertTrue(FeedbackAnswers.numericValue(item, coding).isEmpty(), "and so no number");
                        for (String lang : List.of("sv", "en")) {
                            assertFalse(FeedbackLanguage.text(coding.getDisplayElement(), lang).equals(coding.getDisplay()),
                                    id + ": translated to " + lang);
                        }
                        for (int i = 0; i < 5; i++) {
                            assertEquals((double) i + 1, FeedbackAnswers.numericValue(item, options.get(i).getValue()).orElseThrow());
                        }
                    }
                    case "open-text" -> {
                        openTexts++;
                        assertEquals(2000, item.getMaxLength(), id + ": one open-text limit for every audience");
                    }
                    default -> {
                    }
                }
            }
            assertTrue(statements >= 3, id);
            assertEquals(1, openTexts, id);
        }
        // the children's "I don't know" is its own option; the middle of their scale is a point of the scale
        Questionnaire child = load("demo-child-feedback");
        QuestionnaireItemComponent listened = child.getItem().get(1).getItem().get(0);
        assertEquals("Siltä väliltä", listened.getAnswerOption().get(2).getValueCoding().getDisplay());
        assertEquals("En tiedä", listened.getAnswerOption().get(5).getValueCoding().getDisplay());
        assertEquals("Vet inte", FeedbackLanguage.text(listened.getAnswerOption().get(5).getValueCoding().getDisplayElement(), "sv"));
        assertEquals("I don't know", FeedbackLanguage.text(listened.getAnswerOption().get(5).getValueCoding().getDisplayElement(), "en"));
        Questionnaire adult = load("demo-customer-feedback");
        Coding adultCantSay = adult.getItem().get(1).getItem().get(0).getAnswerOption().get(5).getValueCoding();
        assertEquals("https://vointi.fi/fhir/CodeSystem/agreement-5", adultCantSay.getSystem());
        assertEquals("En osaa sanoa", adultCantSay.getDisplay());
        assertEquals("Kan inte säga", FeedbackLanguage.text(adultCantSay.getDisplayElement(), "sv"));
        assertEquals("Can't say", FeedbackLanguage.text(adultCantSay.getDisplayElement(), "en"));
    }

    static List<QuestionnaireItemComponent> flatten(List<QuestionnaireItemComponent> items) {
        List<QuestionnaireItemComponent> all = new java.util.ArrayList<>();
        for (QuestionnaireItemComponent item : items) {
            all.add(item);
            all.addAll(flatten(item.getItem()));
        }
        return all;
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

        Questionnaire badOptions = load("demo-relative-feedback");
        QuestionnaireItemComponent care = badOptions.getItem().get(1).getItem().get(0);
        care.getAnswerOption().get(4).getExtensionByUrl(FeedbackAnswers.ORDINAL_VALUE).setValue(new DecimalType(6));
        care.addAnswerOption().setValue(new Coding("https://vointi.fi/fhir/CodeSystem/agreement-5", "no-idea", null));
        List<String> optionProblems = FeedbackSurveyRules.problems(badOptions);
        assertEquals(2, optionProblems.size(), optionProblems.toString());
        assertTrue(optionProblems.get(0).contains("statement option 'https://vointi.fi/fhir/CodeSystem/agreement-5|5'"),
                optionProblems.toString());
        assertTrue(optionProblems.get(1).contains("at most one \"can't say\" option"), optionProblems.toString());

        Questionnaire prom = new Questionnaire().setTitle("not feedback");
        prom.addItem().setLinkId("a").setType(QuestionnaireItemType.STRING).setTextElement(new StringType("x"));
        assertEquals(List.of(), FeedbackSurveyRules.problems(prom), "other questionnaires are not checked");
    }
}
