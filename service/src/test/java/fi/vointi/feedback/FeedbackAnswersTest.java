package fi.vointi.feedback;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The national-model ranges on a county questionnaire whose items declare no limits themselves. */
class FeedbackAnswersTest {
    static final String SCALE = "https://example.org/scale";

    static Questionnaire questionnaire() {
        Questionnaire q = new Questionnaire();
        q.addItem(item("nps", QuestionnaireItemType.INTEGER, "recommendation"));
        QuestionnaireItemComponent coded = item("s1", QuestionnaireItemType.CHOICE, "statement");
        for (int i = 1; i <= 6; i++) {
            // a sixth option "can't say" with ordinal 6 would be outside the model
            coded.addAnswerOption().setValue(new Coding(SCALE, "c" + i, null))
                    .addExtension(FeedbackAnswers.ORDINAL_VALUE, new DecimalType(i));
        }
        // "can't say" as the model has it: an option without a value
        coded.addAnswerOption().setValue(new Coding(SCALE, "cant-say", null));
        QuestionnaireItemComponent group = q.addItem().setLinkId("g").setType(QuestionnaireItemType.GROUP);
        group.addItem(coded);
        group.addItem(item("own", QuestionnaireItemType.INTEGER, "own-statement"));
        q.addItem(item("open", QuestionnaireItemType.TEXT, "open-text"));
        q.addItem(item("other", QuestionnaireItemType.INTEGER, null));
        return q;
    }

    static QuestionnaireItemComponent item(String linkId, QuestionnaireItemType type, String kind) {
        QuestionnaireItemComponent item = new QuestionnaireItemComponent().setLinkId(linkId).setType(type);
        if (kind != null) {
            item.addCode(new Coding(FeedbackSurveys.ITEM_SYSTEM, kind, null));
        }
        return item;
    }

    static QuestionnaireResponse response(Type nps, Type statement, Type own) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.addItem().setLinkId("nps").addAnswer().setValue(nps);
        QuestionnaireResponse.QuestionnaireResponseItemComponent group = r.addItem().setLinkId("g");
        group.addItem().setLinkId("s1").addAnswer().setValue(statement);
        group.addItem().setLinkId("own").addAnswer().setValue(own);
        r.addItem().setLinkId("open").addAnswer().setValue(new StringType("free text is not ranged"));
        r.addItem().setLinkId("other").addAnswer().setValue(new IntegerType(99));
        return r;
    }

    @Test
    void inRangeAnswersPass() {
        assertEquals(List.of(), FeedbackAnswers.check(questionnaire(), response(new IntegerType(0), new Coding(SCALE, "c5", null),
                new IntegerType(1))));
        assertEquals(List.of(), FeedbackAnswers.check(questionnaire(), response(new IntegerType(10), new Coding(SCALE, "c1", null),
                new IntegerType(5))));
        assertEquals(List.of(), FeedbackAnswers.check(questionnaire(), response(new IntegerType(7),
                new Coding(SCALE, "cant-say", null), new IntegerType(3))), "\"can't say\" answers a statement");
    }

    @Test
    void everyOutOfRangeAnswerIsNamedWithItsLocation() {
        List<FeedbackAnswers.Problem> problems = FeedbackAnswers.check(questionnaire(), response(new IntegerType(11),
                new Coding(SCALE, "c6", null), new IntegerType(0)));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).message().contains("'nps' (recommendation) must be a whole number from 0 to 10"));
        assertEquals("QuestionnaireResponse.item[0].answer[0]", problems.get(0).expression());
        assertTrue(problems.get(1).message().contains("'s1' (statement) must be a whole number from 1 to 5 or \"can't say\""));
        assertEquals("QuestionnaireResponse.item[1].item[0].answer[0]", problems.get(1).expression());
        assertTrue(problems.get(2).message().contains("'own' (own-statement)"));
        assertEquals(1, FeedbackAnswers.check(questionnaire(), response(new IntegerType(-1), new Coding(SCALE, "c3", null),
                new IntegerType(3))).size());
        assertEquals(1, FeedbackAnswers.check(questionnaire(), response(new StringType("9"), new Coding(SCALE, "c3", null),
                new IntegerType(3))).size(), "a recommendation must be a number");
    }
}
