package fi.vointi.web;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The questionnaire as a form: checks worded for people, the views the templates get, and posted fields back. */
class QuestionnaireFormTest {
    static Questionnaire questionnaire() {
        Questionnaire q = new Questionnaire();
        var scale = q.addItem().setLinkId("score").setText("Kuinka todennäköisesti?").setType(QuestionnaireItemType.CHOICE)
                .setRequired(true);
        for (int i = 0; i <= 10; i++) {
            scale.addAnswerOption().setValue(new IntegerType(i));
        }
        var group = q.addItem().setLinkId("g").setText("Väittämät").setType(QuestionnaireItemType.GROUP);
        var statement = group.addItem().setLinkId("g.s").setText("Minua kuunneltiin.").setType(QuestionnaireItemType.CHOICE);
        for (int i = 1; i <= 5; i++) {
            statement.addAnswerOption().setValue(new Coding("urn:a", Integer.toString(i), "vaihtoehto " + i));
        }
        statement.addAnswerOption().setValue(new Coding("urn:a", "cant-say", "En osaa sanoa"));
        q.addItem().setLinkId("text").setText("Kerro").setType(QuestionnaireItemType.TEXT).setMaxLength(10);
        return q;
    }

    @Test
    void checksNameWhatToFixInThePageLanguage() {
        var problems = QuestionnaireForm.check(questionnaire(), Map.of("item:g.s", "9", "item:text", "x".repeat(11)), "en");
        assertEquals(List.of("score", "g.s", "text"), List.copyOf(problems.keySet()));
        assertEquals("Choose one option: Kuinka todennäköisesti?", problems.get("score").summary());
        assertEquals("Choose one option.", problems.get("score").inline());
        assertEquals("Choose one of the options given.", problems.get("g.s").inline());
        assertEquals("The text is too long (11 characters). At most 10 characters.", problems.get("text").inline());
        assertTrue(problems.get("text").summary().startsWith("Kerro: the text is too long (11"));
        assertTrue(QuestionnaireForm.check(questionnaire(), Map.of("item:score", "0"), "fi").isEmpty(),
                "optional questions may stay empty");
    }

    @Test
    void viewsKeepAnswersAndDrawFacesOnlyForOrderedOptions() {
        var items = QuestionnaireForm.items(questionnaire(), "fi", Map.of("item:score", "7", "item:text", "hei"), Map.of(), true);
        assertEquals("scale", items.get(0).kind());
        assertTrue(items.get(0).options().get(7).checked());
        var statement = items.get(1).children().get(0);
        assertEquals("faces", statement.kind());
        assertEquals(List.of(1, 2, 3, 4, 5, 0), statement.options().stream().map(QuestionnaireForm.OptionView::face).toList(),
                "five faces from saddest to happiest; can't say has none");
        assertEquals("hei", items.get(2).value());
        assertEquals("q-text-hint", items.get(2).describedBy());
    }

    @Test
    void postedFieldsBecomeResponseItems() {
        List<QuestionnaireResponseItemComponent> items = QuestionnaireForm.responseItems(questionnaire(),
                Map.of("item:score", "10", "item:g.s", "cant-say", "item:text", "  hyvä  "));
        assertEquals(3, items.size());
        assertEquals(10, items.get(0).getAnswerFirstRep().getValueIntegerType().getValue());
        assertEquals("cant-say", items.get(1).getItemFirstRep().getAnswerFirstRep().getValueCoding().getCode());
        assertEquals("hyvä", items.get(2).getAnswerFirstRep().getValueStringType().getValue());
        assertEquals(1, QuestionnaireForm.responseItems(questionnaire(), Map.of("item:score", "1")).size(),
                "an unanswered group is left out");
    }

    @Test
    void facesSpreadOverAnyNumberOfOptions() {
        assertEquals(List.of(1, 3, 5), List.of(QuestionnaireForm.faceFor(0, 3), QuestionnaireForm.faceFor(1, 3),
                QuestionnaireForm.faceFor(2, 3)));
        assertEquals(3, QuestionnaireForm.faceFor(0, 1));
    }
}
