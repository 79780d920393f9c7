package fi.vointi.scoring;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static fi.vointi.scoring.ScoringFixtures.dec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo PROM's own rules against hand-computed values (items scored 0..4, mood.3 reversed: 4 - value). */
class DemoPromScoringTest {
    static Questionnaire prom;
    static List<ScoringRule> rules;

    @BeforeAll
    static void read() {
        prom = ScoringFixtures.questionnaire(ScoringFixtures.PROM);
        rules = ScoringRules.read(prom);
    }

    /** sleep 1,2,3 | mood 2,1,3,0 | activity 4,4,2 */
    static Map<String, Integer> answersAll() {
        Map<String, Integer> codes = new HashMap<>();
        codes.put("sleep.1", 1);
        codes.put("sleep.2", 2);
        codes.put("sleep.3", 3);
        codes.put("mood.1", 2);
        codes.put("mood.2", 1);
        codes.put("mood.3", 3);
        codes.put("mood.4", 0);
        codes.put("activity.1", 4);
        codes.put("activity.2", 4);
        codes.put("activity.3", 2);
        return codes;
    }

    static Map<String, ScoreResult> score(Map<String, Integer> codes) {
        Answers answers = ScoringRules.answers(prom, rules, ScoringFixtures.promResponse(codes));
        Map<String, ScoreResult> byCode = new HashMap<>();
        for (ScoreResult result : Scorer.score(rules, answers)) {
            byCode.put(result.code(), result);
        }
        return byCode;
    }

    @Test
    void demoPromIsValidAndDeclaresFourScores() {
        assertEquals(List.of(), ScoringFixtures.validationErrors(prom));
        assertEquals(List.of("sleep", "mood", "activity", "total"), rules.stream().map(ScoringRule::code).toList());
        ScoringRule mood = rules.get(1);
        assertEquals(Set.of("mood.3"), mood.reverse());
        assertEquals(List.of("mood.1", "mood.2", "mood.3", "mood.4"), mood.linkIds());
        assertEquals(List.of(2, 2, 2, 5), rules.stream().map(ScoringRule::minAnswered).toList());
        assertTrue(rules.stream().allMatch(r -> r.method() == ScoringMethod.SUM && r.unit().equals("{score}")));
        assertFalse(rules.stream().anyMatch(r -> r.linkIds().contains("activity.limits")));
        ScoringRule total = rules.get(3);
        assertEquals(10, total.items().size());
        assertEquals(Set.of("mood.3"), total.reverse());
        assertEquals(List.of("none", "mild", "moderate", "severe"), total.bands().stream().map(Band::code).toList());
        assertEquals(0, total.minRawSum().intValue());
        assertEquals(40, total.maxRawSum().intValue());
        assertEquals(List.of(dec("0"), dec("1"), dec("2"), dec("3"), dec("4")), total.items().get(0).values());
    }

    @Test
    void allAnswered() {
        Map<String, ScoreResult> scores = score(answersAll());
        assertValue(scores.get("sleep"), "6", 3);            // 1 + 2 + 3
        assertValue(scores.get("mood"), "4", 4);             // 2 + 1 + (4 - 3) + 0
        assertValue(scores.get("activity"), "10", 3);        // 4 + 4 + 2
        assertValue(scores.get("total"), "20", 10);          // 6 + 4 + 10
        assertEquals("mild", scores.get("total").band().code()); // 20 is the top of mild (10.01..20)
        assertNull(scores.get("sleep").band());                 // domains have no bands
        assertNull(scores.get("total").standardError());
    }

    @Test
    void reverseScoredItem() {
        Map<String, Integer> codes = answersAll();
        codes.put("mood.3", 0); // "calm" never: worst, scores 4
        assertValue(score(codes).get("mood"), "7", 4);   // 2 + 1 + 4 + 0
        codes.put("mood.3", 4); // calm always: scores 0
        assertValue(score(codes).get("mood"), "3", 4);   // 2 + 1 + 0 + 0
        assertValue(score(codes).get("total"), "19", 10);
    }

    @Test
    void proratedDomain() {
        Map<String, Integer> codes = answersAll();
        codes.remove("sleep.2");
        Map<String, ScoreResult> scores = score(codes);
        // sleep: (1 + 3) x 3/2 = 6
        assertValue(scores.get("sleep"), "6", 2);
        codes.put("sleep.3", 2);
        scores = score(codes);
        // sleep: (1 + 2) x 3/2 = 4.5; total: (3 + 4 + 10) x 10/9 = 18.888.. -> 18.89
        assertValue(scores.get("sleep"), "4.5", 2);
        assertValue(scores.get("total"), "18.89", 9);
        assertEquals("mild", scores.get("total").band().code());
    }

    @Test
    void domainWithTooFewAnswers() {
        Map<String, Integer> codes = answersAll();
        codes.remove("sleep.2");
        codes.remove("sleep.3");
        Map<String, ScoreResult> scores = score(codes);
        ScoreResult sleep = scores.get("sleep");
        assertFalse(sleep.hasValue());
        assertNull(sleep.value());
        assertNull(sleep.band());
        assertEquals(NoValueReason.TOO_FEW_ANSWERS, sleep.noValueReason());
        assertEquals("too-few-answers", sleep.noValueReason().code());
        assertEquals("not-performed", sleep.noValueReason().dataAbsentReason());
        assertEquals(1, sleep.answered());
        assertEquals(3, sleep.items());
        // the others still score; total: (1 + 4 + 10) x 10/8 = 18.75
        assertValue(scores.get("mood"), "4", 4);
        assertValue(scores.get("total"), "18.75", 8);

        // total needs 5 of 10
        Map<String, Integer> few = new HashMap<>();
        few.put("mood.1", 4);
        few.put("mood.2", 4);
        few.put("activity.1", 4);
        few.put("activity.2", 4);
        scores = score(few);
        assertEquals(NoValueReason.TOO_FEW_ANSWERS, scores.get("total").noValueReason());
        assertEquals(NoValueReason.TOO_FEW_ANSWERS, scores.get("sleep").noValueReason());
        assertValue(scores.get("mood"), "16", 2);       // 8 x 4/2
        assertValue(scores.get("activity"), "12", 2);   // 8 x 3/2
        few.put("activity.3", 4);
        assertValue(score(few).get("total"), "40", 5);  // 20 x 10/5
        assertEquals("severe", score(few).get("total").band().code());
    }

    @Test
    void bandsOfTheTotal() {
        Map<String, Integer> codes = new HashMap<>();
        for (String linkId : List.of("sleep.1", "sleep.2", "sleep.3", "mood.1", "mood.2", "mood.4", "activity.1",
                "activity.2", "activity.3")) {
            codes.put(linkId, 0);
        }
        codes.put("mood.3", 4); // reversed: 0
        assertBand(codes, "0", "none");
        codes.put("sleep.1", 4);
        codes.put("sleep.2", 4);
        codes.put("sleep.3", 2);
        assertBand(codes, "10", "none");
        codes.put("sleep.3", 3);
        assertBand(codes, "11", "mild");
        codes.put("mood.1", 4);
        codes.put("mood.2", 4);
        codes.put("mood.4", 4);
        assertBand(codes, "23", "moderate");
        codes.put("activity.1", 4);
        codes.put("activity.2", 2);
        assertBand(codes, "29", "moderate");
        codes.put("activity.2", 3);
        assertBand(codes, "30", "moderate");
        codes.put("activity.2", 4);
        assertBand(codes, "31", "severe");
        // prorated: 9 items summing 27 -> 27 x 10/9 = 30, summing 28 -> 31.11
        codes.remove("activity.2");
        ScoreResult total = score(codes).get("total");
        assertValue(total, "30", 9);
        assertEquals("moderate", total.band().code());
        codes.put("sleep.3", 4);
        total = score(codes).get("total");
        assertValue(total, "31.11", 9);
        assertEquals("severe", total.band().code());
    }

    @Test
    void responseConversionIgnoresUnscoredItemsAndRefusesForeignAnswers() {
        QuestionnaireResponse r = ScoringFixtures.promResponse(answersAll());
        r.getItem().get(2).addItem().setLinkId("activity.limits").addAnswer()
                .setValue(new Coding("https://vointi.fi/fhir/CodeSystem/everyday-activity", "housework", null));
        QuestionnaireResponse.QuestionnaireResponseItemComponent pain = r.addItem().setLinkId("pain");
        pain.addItem().setLinkId("pain.any").addAnswer().setValue(new BooleanType(true));
        pain.addItem().setLinkId("pain.interference").addAnswer().setValue(new Coding(ScoringFixtures.FREQUENCY, "3", null));
        r.addItem().setLinkId("comment").addAnswer().setValue(new StringType("ok"));
        Answers answers = ScoringRules.answers(prom, rules, r);
        assertEquals(10, answers.values().size());
        assertEquals(0, dec("3").compareTo(answers.value("mood.3").orElseThrow())); // before reversing
        assertValue(Scorer.score(rules, answers).get(3), "20", 10);

        QuestionnaireResponse foreign = ScoringFixtures.promResponse(Map.of("sleep.1", 1));
        foreign.getItemFirstRep().getItemFirstRep().getAnswerFirstRep().setValue(new Coding(ScoringFixtures.FREQUENCY, "7", null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringRules.answers(prom, rules, foreign))
                .getMessage().contains("sleep.1"));
        assertThrows(IllegalArgumentException.class,
                () -> Scorer.score(rules, Answers.of(Map.of("sleep.1", new BigDecimal("2.5")))));
    }

    static void assertBand(Map<String, Integer> codes, String total, String band) {
        ScoreResult result = score(codes).get("total");
        assertValue(result, total, 10);
        assertEquals(band, result.band().code());
    }

    static void assertValue(ScoreResult result, String expected, int answered) {
        assertTrue(result.hasValue(), result.code() + " has no value: " + result.noValueReason());
        assertEquals(expected, result.value().toPlainString(), result.code());
        assertEquals(answered, result.answered(), result.code() + " answered");
    }
}
