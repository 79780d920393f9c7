package fi.vointi.analytics;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeedbackSurveyTest {

    private static Questionnaire survey() {
        Questionnaire q = new Questionnaire().setUrl("https://example.org/q");
        q.addExtension(FeedbackSurvey.SURVEY_EXTENSION, new CodeType("relative"));
        q.addItem().setLinkId("rec").setType(QuestionnaireItemType.INTEGER).addCode(new Coding(FeedbackSurvey.ITEM_SYSTEM, "recommendation", null));
        Questionnaire.QuestionnaireItemComponent group = q.addItem().setLinkId("g").setType(QuestionnaireItemType.GROUP);
        Questionnaire.QuestionnaireItemComponent statement = group.addItem().setLinkId("s1").setType(QuestionnaireItemType.CHOICE)
                .addCode(new Coding(FeedbackSurvey.ITEM_SYSTEM, "statement", null));
        for (int i = 1; i <= 5; i++) {
            statement.addAnswerOption().setValue(new Coding("https://example.org/agree", "a" + i, null))
                    .addExtension(FeedbackSurvey.ORDINAL_VALUE, new DecimalType(i));
        }
        statement.addAnswerOption().setValue(new Coding("https://example.org/agree", "cant-say", null)); // no ordinal value
        Questionnaire.QuestionnaireItemComponent second = group.addItem().setLinkId("s2").setType(QuestionnaireItemType.CHOICE)
                .addCode(new Coding(FeedbackSurvey.ITEM_SYSTEM, "statement", null));
        second.setAnswerOption(statement.copy().getAnswerOption());
        group.addItem().setLinkId("own").setType(QuestionnaireItemType.INTEGER).addCode(new Coding(FeedbackSurvey.ITEM_SYSTEM, "own-statement", null));
        group.addItem().setLinkId("wild").setType(QuestionnaireItemType.INTEGER).addCode(new Coding(FeedbackSurvey.ITEM_SYSTEM, "statement", null));
        q.addItem().setLinkId("txt").setType(QuestionnaireItemType.TEXT).addCode(new Coding(FeedbackSurvey.ITEM_SYSTEM, "open-text", null));
        q.addItem().setLinkId("other").setType(QuestionnaireItemType.INTEGER);
        return q;
    }

    private static QuestionnaireResponse answers(String authored) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setId("r1");
        r.setAuthoredElement(new DateTimeType(authored));
        r.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/unit-7"));
        r.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType("kiosk"));
        r.addItem().setLinkId("rec").addAnswer().setValue(new IntegerType(9));
        QuestionnaireResponse.QuestionnaireResponseItemComponent g = r.addItem().setLinkId("g");
        g.addItem().setLinkId("s1").addAnswer().setValue(new Coding("https://example.org/agree", "a4", null));
        g.addItem().setLinkId("s2").addAnswer().setValue(new Coding("https://example.org/agree", "cant-say", null));
        g.addItem().setLinkId("own").addAnswer().setValue(new IntegerType(2));
        g.addItem().setLinkId("wild").addAnswer().setValue(new IntegerType(7)); // outside 1..5: ignored
        r.addItem().setLinkId("txt").addAnswer().setValue(new StringType("  Kiitos!  "));
        r.addItem().setLinkId("other").addAnswer().setValue(new IntegerType(3));
        return r;
    }

    @Test
    void readsTheSharedContract() {
        assertEquals("relative", FeedbackSurvey.audience(survey()).orElseThrow());
        assertTrue(FeedbackSurvey.audience(new Questionnaire()).isEmpty(), "not a feedback survey");
        FeedbackFact fact = FeedbackSurvey.facts(survey(), "relative", answers("2026-03-10T12:00:00+02:00")).orElseThrow();
        assertEquals("unit-7", fact.unitId());
        assertEquals("kiosk", fact.channel());
        assertEquals(9, fact.recommendation());
        assertEquals(Map.of("s1", 4, "own", 2), fact.statements(), "ordinalValue of the chosen option; out-of-range ignored");
        assertEquals(Set.of("s2"), fact.cantSay(), "an option without a value is \"can't say\", in no 1..5 figure");
        assertEquals("Kiitos!", fact.openText());
        assertEquals(LocalDate.parse("2026-03-10"), fact.localDate());
        assertEquals("s1=4;own=2;s2=cant-say", fact.statementAnswers());
        FeedbackFact.StatementAnswers parsed = FeedbackFact.parseStatementAnswers(fact.statementAnswers());
        assertEquals(fact.statements(), parsed.values());
        assertEquals(fact.cantSay(), parsed.cantSay());
        assertEquals(Map.of("statement.access", 4), FeedbackFact.parseStatementAnswers("statement.access=4").values(),
                "facts written before \"can't say\" read as before");
    }

    @Test
    void oneReadingOfAnswerValues() {
        Questionnaire.QuestionnaireItemComponent s1 = survey().getItem().get(1).getItem().get(0);
        assertEquals(4, FeedbackSurvey.read(s1, new Coding("https://example.org/agree", "a4", null)).orElseThrow()
                .whole(1, 5).orElseThrow(), "the option's ordinalValue");
        assertTrue(FeedbackSurvey.read(s1, new Coding("https://example.org/agree", "cant-say", null)).orElseThrow().cantSay());
        Coding claimed = new Coding("https://example.org/agree", "a1", null);
        claimed.addExtension(FeedbackSurvey.ORDINAL_VALUE, new DecimalType(5));
        assertEquals(1, FeedbackSurvey.read(s1, claimed).orElseThrow().whole(1, 5).orElseThrow(),
                "the questionnaire's option decides, not an ordinalValue the answer claims");
        assertEquals(3, FeedbackSurvey.read(s1, new Coding("https://example.org/other", "3", null)).orElseThrow()
                .whole(1, 5).orElseThrow(), "not an option: its numeric code");
        assertTrue(FeedbackSurvey.read(s1, new Coding("https://example.org/other", "cant-say", null)).isEmpty(),
                "\"can't say\" only as an option of the item");
        assertTrue(FeedbackSurvey.read(s1, new DecimalType("4.5")).orElseThrow().whole(1, 5).isEmpty(), "no fractions");
        assertEquals(5, FeedbackSurvey.read(s1, new DecimalType("5.0")).orElseThrow().whole(1, 5).orElseThrow());
        assertTrue(FeedbackSurvey.read(s1, new StringType("4")).isEmpty());
    }

    @Test
    void theDayIsTheHelsinkiDay() {
        // 22:30 UTC on 31 March 2026 (summer time, UTC+3) is 01:30 on 1 April in Helsinki
        assertEquals(LocalDate.parse("2026-04-01"),
                FeedbackSurvey.facts(survey(), "adult", answers("2026-03-31T22:30:00Z")).orElseThrow().localDate());
        // 21:30 UTC on 1 January (UTC+2) is 23:30 the same day
        assertEquals(LocalDate.parse("2026-01-01"),
                FeedbackSurvey.facts(survey(), "adult", answers("2026-01-01T21:30:00Z")).orElseThrow().localDate());
    }

    @Test
    void withoutAUnitNothingIsCounted() {
        QuestionnaireResponse response = answers("2026-03-10T12:00:00+02:00");
        response.getExtension().removeIf(e -> FeedbackSurvey.UNIT_EXTENSION.equals(e.getUrl()));
        assertTrue(FeedbackSurvey.facts(survey(), "adult", response).isEmpty());
        response.getExtension().removeIf(e -> FeedbackSurvey.CHANNEL_EXTENSION.equals(e.getUrl()));
        response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/u"));
        FeedbackFact fact = FeedbackSurvey.facts(survey(), "adult", response).orElseThrow();
        assertEquals("web", fact.channel(), "no channel extension: web");
        response.getItem().get(0).getAnswerFirstRep().setValue(new IntegerType(11));
        assertNull(FeedbackSurvey.facts(survey(), "adult", response).orElseThrow().recommendation(), "11 is no recommendation");
    }
}
