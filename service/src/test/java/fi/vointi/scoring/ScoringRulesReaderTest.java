package fi.vointi.scoring;

import fi.vointi.scoring.ScoringFixtures.Rule;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static fi.vointi.scoring.ScoringFixtures.promWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lookup tables, means, and every refusal of the reader. */
class ScoringRulesReaderTest {

    /** sleep as a sum with a T-score table over raw 0..12 (value = 40 + 2 raw, SE = 3 + raw/10). */
    static Rule sleepWithLookup() {
        Rule rule = new Rule("sleep-t", "sum", "sleep.1", "sleep.2", "sleep.3").minAnswered(2).unit("{T-score}");
        for (int raw = 12; raw >= 0; raw--) { // any order
            rule.lookup(raw, String.valueOf(40 + 2 * raw), new BigDecimal(raw).movePointLeft(1).add(new BigDecimal(3)).toPlainString());
        }
        return rule.band("low", "0", "49.9").band("high", "50", "100");
    }

    static ScoreResult score(Questionnaire q, Map<String, Integer> values) {
        Map<String, BigDecimal> answers = new HashMap<>();
        values.forEach((k, v) -> answers.put(k, BigDecimal.valueOf(v)));
        return Scorer.score(ScoringRules.read(q), new Answers(answers)).get(0);
    }

    @Test
    void lookupWithStandardError() {
        Questionnaire q = promWith(sleepWithLookup());
        assertEquals(List.of(), ScoringFixtures.validationErrors(q));
        ScoringRule rule = ScoringRules.read(q).get(0);
        assertEquals(13, rule.lookup().size());
        assertEquals(0, rule.lookup().get(0).raw());
        ScoreResult result = score(q, Map.of("sleep.1", 1, "sleep.2", 2, "sleep.3", 3));
        assertEquals("52", result.value().toPlainString());          // raw 6 -> 40 + 12
        assertEquals("3.6", result.standardError().toPlainString()); // 3 + 0.6
        assertEquals("high", result.band().code());
        assertEquals("{T-score}", result.unit());
        // prorated raw is rounded half-up before the lookup: (1 + 2) x 3/2 = 4.5 -> 5 -> 50, SE 3.5
        result = score(q, Map.of("sleep.1", 1, "sleep.2", 2));
        assertEquals("50", result.value().toPlainString());
        assertEquals("3.5", result.standardError().toPlainString());
        // (0 + 1) x 3/2 = 1.5 -> 2 -> 44, band low
        result = score(q, Map.of("sleep.1", 0, "sleep.3", 1));
        assertEquals("44", result.value().toPlainString());
        assertEquals("low", result.band().code());
        assertEquals(NoValueReason.TOO_FEW_ANSWERS, score(q, Map.of("sleep.1", 0)).noValueReason());
    }

    @Test
    void meanScoreIsNotProratedAndRounds() {
        Questionnaire q = promWith(new Rule("mood-mean", "mean", "mood.1", "mood.2", "mood.3", "mood.4").reverse("mood.3")
                .minAnswered(3).band("ok", "0", "1.99").band("not-ok", "2", "4"));
        assertEquals(List.of(), ScoringFixtures.validationErrors(q));
        ScoreResult all = score(q, Map.of("mood.1", 1, "mood.2", 2, "mood.3", 4, "mood.4", 1));
        assertEquals("1", all.value().toPlainString()); // (1 + 2 + 0 + 1) / 4
        assertEquals("ok", all.band().code());
        ScoreResult three = score(q, Map.of("mood.1", 1, "mood.2", 2, "mood.3", 0));
        assertEquals("2.33", three.value().toPlainString()); // (1 + 2 + 4) / 3 = 2.333..
        assertEquals("not-ok", three.band().code());
        ScoreResult up = score(q, Map.of("mood.1", 2, "mood.2", 2, "mood.4", 1));
        assertEquals("1.67", up.value().toPlainString()); // 5 / 3 = 1.666.. half-up
        assertEquals("ok", up.band().code());
    }

    @Test
    void valuesComeFromCodesOrValueIntegerWithoutOrdinalValue() {
        Questionnaire q = promWith(new Rule("s", "sum", "sleep.1", "sleep.2"));
        // sleep.1 without ordinalValue: the Coding code is the value; sleep.2 with doubled ordinal values
        ScoringFixtures.item(q, "sleep.1").getAnswerOption().forEach(o -> o.getExtension().clear());
        ScoringFixtures.item(q, "sleep.2").getAnswerOption().forEach(o ->
                o.getExtensionFirstRep().setValue(new org.hl7.fhir.r4.model.DecimalType(
                        ((org.hl7.fhir.r4.model.DecimalType) o.getExtensionFirstRep().getValue()).getValue().multiply(BigDecimal.valueOf(2)))));
        ScoringRule rule = ScoringRules.read(q).get(0);
        assertEquals(List.of(0, 1, 2, 3, 4), rule.items().get(0).values().stream().map(BigDecimal::intValue).toList());
        assertEquals(List.of(0, 2, 4, 6, 8), rule.items().get(1).values().stream().map(BigDecimal::intValue).toList());
        var answers = ScoringRules.answers(q, List.of(rule), ScoringFixtures.promResponse(Map.of("sleep.1", 3, "sleep.2", 3)));
        assertEquals("9", Scorer.score(rule, answers).value().toPlainString()); // 3 + 6
    }

    // ------------------------------------------------------------------ refusals

    static void refused(String expected, Rule... rules) {
        refused(promWith(rules), expected);
    }

    static void refused(Questionnaire q, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoringRules.read(q));
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }

    @Test
    void refusesUnknownLinkId() {
        refused("score 'x': item 'sleep.9' is not in the questionnaire", new Rule("x", "sum", "sleep.1", "sleep.9"));
    }

    @Test
    void refusesReverseItemOutsideTheScore() {
        refused("reverse-scored item 'mood.3' is not one of the score's items",
                new Rule("x", "sum", "sleep.1", "sleep.2").reverse("mood.3"));
    }

    @Test
    void refusesLookupWithGaps() {
        Rule gap = new Rule("x", "sum", "sleep.1", "sleep.2");
        for (int raw = 0; raw <= 8; raw++) {
            if (raw != 5 && raw != 6) {
                gap.lookup(raw, String.valueOf(raw * 10), "1");
            }
        }
        refused("lookup table has gaps: no row for raw [5, 6]", gap);
        Rule shortTable = new Rule("x", "sum", "sleep.1", "sleep.2");
        for (int raw = 0; raw <= 7; raw++) {
            shortTable.lookup(raw, "1", null);
        }
        refused("no row for raw [8]", shortTable);
        Rule outside = new Rule("x", "sum", "sleep.1");
        for (int raw = 0; raw <= 5; raw++) {
            outside.lookup(raw, "1", null);
        }
        refused("lookup row for raw 5 is outside the possible raw sums 0..4", outside);
        Rule twice = new Rule("x", "sum", "sleep.1");
        for (int raw : new int[] {0, 1, 2, 3, 4, 2}) {
            twice.lookup(raw, "1", null);
        }
        refused("lookup gives raw 2 twice", twice);
        Rule someErrors = new Rule("x", "sum", "sleep.1");
        for (int raw = 0; raw <= 4; raw++) {
            someErrors.lookup(raw, "1", raw == 3 ? null : "2");
        }
        refused("standardError on some rows only", someErrors);
        Rule mean = new Rule("x", "mean", "sleep.1");
        for (int raw = 0; raw <= 4; raw++) {
            mean.lookup(raw, "1", null);
        }
        refused("a lookup table needs a sum score", mean);
    }

    @Test
    void refusesOverlappingOrUnorderedBands() {
        refused("band 'b' (10..20) overlaps or comes before band 'a' (0..10)",
                new Rule("x", "sum", "sleep.1").band("a", "0", "10").band("b", "10", "20"));
        refused("band 'a' (0..9) overlaps or comes before band 'b' (10..20)",
                new Rule("x", "sum", "sleep.1").band("b", "10", "20").band("a", "0", "9"));
        refused("band 'a': low 5 is above high 1", new Rule("x", "sum", "sleep.1").band("a", "5", "1"));
        refused("band code 'a' is used twice", new Rule("x", "sum", "sleep.1").band("a", "0", "1").band("a", "2", "3"));
    }

    @Test
    void refusesDuplicateCodes() {
        refused("score code 'x' is used by more than one score",
                new Rule("x", "sum", "sleep.1"), new Rule("y", "sum", "sleep.2"), new Rule("x", "sum", "sleep.3"));
        refused("score 'x' lists item 'sleep.1' twice", new Rule("x", "sum", "sleep.1", "sleep.2", "sleep.1"));
    }

    @Test
    void refusesMinAnsweredOutOfRange() {
        refused("minAnswered must be between 1 and the number of items (2), was 0",
                new Rule("x", "sum", "sleep.1", "sleep.2").minAnswered(0));
        refused("minAnswered must be between 1 and the number of items (2), was 3",
                new Rule("x", "sum", "sleep.1", "sleep.2").minAnswered(3));
    }

    @Test
    void refusesItemsWithoutUsableValues() {
        refused("item 'comment' has no answerOptions", new Rule("x", "sum", "sleep.1", "comment"));
        refused("item 'pain.any' has no answerOptions", new Rule("x", "sum", "pain.any"));
        refused("item 'activity.limits' repeats", new Rule("x", "sum", "activity.1", "activity.limits"));
        refused("item 'sleep' has no answerOptions", new Rule("x", "sum", "sleep"));
        Questionnaire q = promWith(new Rule("x", "sum", "sleep.1"));
        ScoringFixtures.item(q, "sleep.1").getAnswerOption().forEach(o -> {
            o.getExtension().clear();
            o.getValueCoding().setCode("never-" + o.getValueCoding().getCode());
        });
        refused(q, "has no ordinalValue and its code is not an integer");
    }

    @Test
    void refusesMalformedExtensions() {
        Rule unknownPart = new Rule("x", "sum", "sleep.1");
        unknownPart.extension.addExtension("weight", new StringType("2"));
        refused("score 'x' has an unknown part 'weight'", unknownPart);
        Rule badMethod = new Rule("x", "median", "sleep.1");
        refused("score 'x': method 'median' is not sum, mean or irt-sum", badMethod);
        Rule noMethod = new Rule("x", "sum", "sleep.1");
        noMethod.extension.getExtension().removeIf(e -> e.getUrl().equals("method"));
        refused("score 'x' has no method", noMethod);
        Rule noCode = new Rule("x", "sum", "sleep.1");
        noCode.extension.getExtension().removeIf(e -> e.getUrl().equals("code"));
        refused("scoring-rule 1 has no code", noCode);
        refused("score 'x' has no items", new Rule("x", "sum"));
        refused("irt-sum score needs an item bank", new Rule("x", "irt-sum", "sleep.1"));
    }

    @Test
    void theValidatorAlsoRefusesMalformedExtensions() {
        assertEquals(List.of(), ScoringFixtures.validationErrors(promWith(sleepWithLookup())));
        Rule unknownPart = new Rule("x", "sum", "sleep.1");
        unknownPart.extension.addExtension("weight", new StringType("2"));
        assertTrue(!ScoringFixtures.validationErrors(promWith(unknownPart)).isEmpty());
        assertTrue(ScoringFixtures.validationErrors(promWith(new Rule("x", "median", "sleep.1"))).stream()
                .anyMatch(m -> m.contains("scr-1")), "scr-1");
        assertTrue(ScoringFixtures.validationErrors(promWith(new Rule("x", "sum", "sleep.1").minAnswered(2))).stream()
                .anyMatch(m -> m.contains("scr-2")), "scr-2");
        Rule noMethod = new Rule("x", "sum", "sleep.1");
        noMethod.extension.getExtension().removeIf(e -> e.getUrl().equals("method"));
        assertTrue(!ScoringFixtures.validationErrors(promWith(noMethod)).isEmpty());
        Rule badBand = new Rule("x", "sum", "sleep.1").band("a", "0", "1");
        badBand.extension.getExtension().get(badBand.extension.getExtension().size() - 1)
                .addExtension("colour", new CodeType("red"));
        assertTrue(!ScoringFixtures.validationErrors(promWith(badBand)).isEmpty());
    }

    @Test
    void rulesBuiltInCodeAreCheckedToo() {
        ItemScale a = ItemScale.of("a", 0, 4);
        ItemScale b = ItemScale.of("b", 1, 5);
        ScoringRule rule = ScoringRule.simple("ab", "A and B", ScoringMethod.SUM, List.of(a, b));
        assertEquals("7", Scorer.score(rule, Answers.of(Map.of("a", 2, "b", 5))).value().toPlainString());
        assertNull(Scorer.score(rule, Answers.of(Map.of("a", 2))).value()); // minAnswered defaults to all
        assertThrows(IllegalArgumentException.class, () -> new ItemScale("a", List.of(BigDecimal.ONE, BigDecimal.ONE)));
        assertThrows(IllegalArgumentException.class, () -> ScoringRule.checkUnique(List.of(rule, rule)));
    }
}
