package fi.vointi.scoring;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.cat.GeneralizedPartialCreditItem;
import fi.vointi.cat.GradedResponseItem;
import fi.vointi.cat.IrtItem;
import fi.vointi.cat.ItemBank;
import fi.vointi.cat.NormalPrior;
import fi.vointi.cat.QuadratureGrid;
import fi.vointi.cat.ScoreScale;
import fi.vointi.cat.TwoPlItem;
import fi.vointi.scoring.ScoringFixtures.Rule;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * irt-sum scores against an independent computation: for each quadrature point the probability of a
 * summed score is the sum over every response pattern with that sum of the product of the category
 * probabilities (the definition, not the Lord–Wingersky recursion); EAP and posterior SD follow by
 * summation against the prior on the grid.
 */
class IrtSumScoringTest {
    static final QuadratureGrid GRID = new QuadratureGrid(-4, 4, 81);
    static final NormalPrior PRIOR = NormalPrior.STANDARD;
    static final ScoreScale T = ScoreScale.T_SCORE;

    /** T-score and its SE for the summed score {@code sum} of {@code items}, by brute force. */
    static double[] bruteForce(List<IrtItem> items, int sum, QuadratureGrid grid, NormalPrior prior, ScoreScale scale) {
        double[] nodes = grid.nodes();
        double mass = 0;
        double first = 0;
        double second = 0;
        for (double theta : nodes) {
            double likelihood = patterns(items, 0, 0, sum, theta);
            double z = (theta - prior.mean()) / prior.sd();
            double weight = Math.exp(-0.5 * z * z) * likelihood;
            mass += weight;
            first += weight * theta;
            second += weight * theta * theta;
        }
        double mean = first / mass;
        double sd = Math.sqrt(second / mass - mean * mean);
        return new double[] {scale.score(mean), scale.standardError(sd)};
    }

    /** P(the items from {@code index} on add up to {@code target - partial} | theta), by enumeration. */
    static double patterns(List<IrtItem> items, int index, int partial, int target, double theta) {
        if (index == items.size()) {
            return partial == target ? 1.0 : 0.0;
        }
        IrtItem item = items.get(index);
        double[] p = new double[item.categories()];
        item.probabilities(theta, p);
        double total = 0;
        for (int k = 0; k < p.length; k++) {
            total += p[k] * patterns(items, index + 1, partial + k, target, theta);
        }
        return total;
    }

    static BigDecimal rounded(double value) {
        return BigDecimal.valueOf(value).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
    }

    static List<BigDecimal> values(int... values) {
        List<BigDecimal> list = new ArrayList<>();
        for (int v : values) {
            list.add(BigDecimal.valueOf(v));
        }
        return list;
    }

    @Test
    void threeItemBankAgainstDirectSummation() {
        IrtItem a = new GradedResponseItem("a", 1.8, -1.0, 0.2, 1.1);      // 4 categories
        IrtItem b = new TwoPlItem("b", 1.2, 0.4);                          // 2 categories
        IrtItem c = new GeneralizedPartialCreditItem("c", 0.9, -0.5, 0.7); // 3 categories
        ItemBank bank = ItemBank.of(a, b, c);
        // item values: a scored 1..4, b 0/1, c 0/5/10 (category = position of the value)
        List<ItemScale> scales = List.of(new ItemScale("a", values(1, 2, 3, 4)), new ItemScale("b", values(0, 1)),
                new ItemScale("c", values(0, 5, 10)));
        ScoringRule rule = new ScoringRule("short", "Short form", ScoringMethod.IRT_SUM, scales, Set.of(), 2, "{T-score}",
                List.of(), List.of(new Band("low", "low", BigDecimal.ZERO, new BigDecimal("49.99")),
                        new Band("high", "high", new BigDecimal("50"), new BigDecimal("100"))),
                new IrtScoring(bank, GRID, PRIOR, T));
        int checked = 0;
        for (int ka = 0; ka < 4; ka++) {
            for (int kb = 0; kb < 2; kb++) {
                for (int kc = 0; kc < 3; kc++) {
                    Map<String, BigDecimal> answers = Map.of("a", BigDecimal.valueOf(ka + 1), "b", BigDecimal.valueOf(kb),
                            "c", BigDecimal.valueOf(kc * 5L));
                    ScoreResult result = Scorer.score(rule, new Answers(answers));
                    double[] expected = bruteForce(List.of(a, b, c), ka + kb + kc, GRID, PRIOR, T);
                    assertEquals(rounded(expected[0]), result.value(), "pattern " + ka + kb + kc);
                    assertEquals(rounded(expected[1]), result.standardError(), "SE pattern " + ka + kb + kc);
                    assertEquals(expected[0] >= 50 ? "high" : "low", result.band().code());
                    checked++;
                }
            }
        }
        assertEquals(24, checked);
        // the same summed score gives the same value whatever the pattern
        ScoreResult x = Scorer.score(rule, Answers.of(Map.of("a", 3, "b", 0, "c", 0)));
        ScoreResult y = Scorer.score(rule, Answers.of(Map.of("a", 1, "b", 1, "c", 5)));
        assertEquals(x.value(), y.value());

        // a missing item: scored on the answered items' own table
        ScoreResult twoItems = Scorer.score(rule, Answers.of(Map.of("a", 4, "c", 5)));
        double[] expected = bruteForce(List.of(a, c), 3 + 1, GRID, PRIOR, T);
        assertEquals(rounded(expected[0]), twoItems.value());
        assertEquals(rounded(expected[1]), twoItems.standardError());
        assertEquals(2, twoItems.answered());
        // with all three the same categories would mean something else
        double[] withB0 = bruteForce(List.of(a, b, c), 3 + 0 + 1, GRID, PRIOR, T);
        assertTrue(Math.abs(withB0[0] - expected[0]) > 0.1);
        // below minAnswered
        ScoreResult one = Scorer.score(rule, Answers.of(Map.of("a", 4)));
        assertNull(one.value());
        assertEquals(NoValueReason.TOO_FEW_ANSWERS, one.noValueReason());
    }

    @Test
    void shortFormOfTheDemoBankReadFromTheQuestionnaire() {
        Questionnaire q = ScoringFixtures.questionnaire(ScoringFixtures.BANK);
        q.addExtension(new Rule("short-form", "irt-sum", "energy.1", "energy.2", "energy.3", "energy.4")
                .minAnswered(3).unit("{T-score}").band("low", "0", "39.99").band("typical", "40", "100").extension);
        assertEquals(List.of(), ScoringFixtures.validationErrors(q));
        ScoringRule rule = ScoringRules.read(q).get(0);
        assertEquals(ScoringMethod.IRT_SUM, rule.method());
        assertEquals(List.of("energy.1", "energy.2", "energy.3", "energy.4"), rule.linkIds());
        AdaptiveBank bank = AdaptiveBank.read(q);
        List<IrtItem> items = List.of(bank.items().get("energy.1"), bank.items().get("energy.2"),
                bank.items().get("energy.3"), bank.items().get("energy.4"));
        // answers are ordinal values; energy.2 runs always=0 .. never=4, so the ordinal value is the category
        Map<String, BigDecimal> answers = new HashMap<>(Map.of("energy.1", BigDecimal.valueOf(2),
                "energy.2", BigDecimal.valueOf(4), "energy.3", BigDecimal.valueOf(1), "energy.4", BigDecimal.valueOf(3)));
        ScoreResult all = Scorer.score(rule, new Answers(answers));
        double[] expected = bruteForce(items, 2 + 4 + 1 + 3, bank.design().grid(), bank.design().prior(),
                bank.design().scoreScale());
        assertEquals(rounded(expected[0]), all.value());
        assertEquals(rounded(expected[1]), all.standardError());
        answers.remove("energy.3");
        ScoreResult three = Scorer.score(rule, new Answers(answers));
        expected = bruteForce(List.of(items.get(0), items.get(1), items.get(3)), 2 + 4 + 3, bank.design().grid(),
                bank.design().prior(), bank.design().scoreScale());
        assertEquals(rounded(expected[0]), three.value());
        assertEquals(rounded(expected[1]), three.standardError());
        answers.remove("energy.4");
        assertEquals(NoValueReason.TOO_FEW_ANSWERS, Scorer.score(rule, new Answers(answers)).noValueReason());
    }

    @Test
    void irtSumRefusals() {
        Questionnaire unknown = ScoringFixtures.questionnaire(ScoringFixtures.BANK);
        unknown.addExtension(new Rule("s", "irt-sum", "energy.1", "energy.99").extension);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringRules.read(unknown)).getMessage()
                .contains("item 'energy.99' is not in the questionnaire"));
        Questionnaire reversed = ScoringFixtures.questionnaire(ScoringFixtures.BANK);
        reversed.addExtension(new Rule("s", "irt-sum", "energy.1", "energy.2").reverse("energy.2").extension);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringRules.read(reversed)).getMessage()
                .contains("cannot reverse items"));
        Rule lookup = new Rule("s", "irt-sum", "energy.1");
        for (int raw = 0; raw <= 4; raw++) {
            lookup.lookup(raw, "1", null);
        }
        Questionnaire withLookup = ScoringFixtures.questionnaire(ScoringFixtures.BANK);
        withLookup.addExtension(lookup.extension);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringRules.read(withLookup)).getMessage()
                .contains("cannot have a lookup table"));
    }
}
