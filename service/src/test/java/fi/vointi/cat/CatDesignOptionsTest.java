package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cat-design options of issue 14, each against a computation written out here. */
class CatDesignOptionsTest {

    private static final ItemBank BANK = TestBanks.gradedBank(30, 2024);

    /** Runs a test to its end; the answer to each item comes from {@code answer}. */
    private static List<Answer> run(CatEngine engine, ToIntFunction<String> answer, long salt, OptionalDouble previous) {
        List<Answer> answers = new ArrayList<>();
        CatStep step = engine.next(answers, salt, previous);
        while (!step.finished()) {
            answers.add(new Answer(step.nextItemId(), answer.applyAsInt(step.nextItemId())));
            step = engine.next(answers, salt, previous);
        }
        return answers;
    }

    private static double[] eap(List<Answer> answers, double min, double max, int points, double mean) {
        List<IrtItem> items = answers.stream().map(a -> BANK.get(a.itemId())).toList();
        int[] categories = answers.stream().mapToInt(Answer::category).toArray();
        return EapBruteForceTest.bruteForceEap(items, categories, min, max, points, mean, 1.0);
    }

    @Test
    void reportedScoreIsRoundedHalfAwayFromZeroFromTheUnroundedTheta() {
        assertEquals(45.3, ScoreScale.round(45.25, 1));
        assertEquals(-45.3, ScoreScale.round(-45.25, 1));
        assertEquals(45.2, ScoreScale.round(45.2499, 1));
        assertEquals(52.0, ScoreScale.round(51.95, 1));
        CatEngine rounded = new CatEngine(BANK, CatDesign.builder().scoreDecimals(1).build());
        CatEngine exact = new CatEngine(BANK, CatDesign.defaults());
        for (int category = 0; category < 5; category++) {
            List<Answer> answers = List.of(new Answer("G001", category), new Answer("G002", 4 - category));
            CatStep r = rounded.next(answers);
            CatStep e = exact.next(answers);
            assertEquals(e.estimate(), r.estimate(), "theta itself is never rounded");
            double t = 50 + 10 * e.estimate().theta();
            assertEquals(new java.math.BigDecimal(Double.toString(t)).setScale(1, java.math.RoundingMode.HALF_UP)
                    .doubleValue(), r.score().value());
            assertEquals(Math.round(10 * e.estimate().standardError() * 10) / 10.0, r.score().standardError());
        }
    }

    @Test
    void scoreStandardErrorStopComparesTheScoreScaleStandardError() {
        // scoreSd 15 and a 3.0-point rule: stop once 15 x SE <= 3, i.e. SE <= 0.2
        CatDesign design = CatDesign.builder().standardErrorStop(0).scoreStandardErrorStop(3.0).scoreSd(15)
                .minItems(2).maxItems(30).build();
        CatEngine engine = new CatEngine(BANK, design);
        List<Answer> answers = run(engine, id -> 2, 0, OptionalDouble.empty());
        int n = answers.size();
        double seAtStop = eap(answers, -4, 4, 81, 0)[1];
        double seBefore = eap(answers.subList(0, n - 1), -4, 4, 81, 0)[1];
        assertTrue(15 * seAtStop <= 3.0, "SE_score " + 15 * seAtStop);
        assertTrue(15 * seBefore > 3.0 || n - 1 < 2, "SE_score one item earlier " + 15 * seBefore);
        assertEquals(StopReason.STANDARD_ERROR, engine.next(answers).stopReason());
        // with T-scores the rule is the same as standardErrorStop 0.3 (same sequence, same stop)
        CatEngine inT = new CatEngine(BANK, CatDesign.builder().standardErrorStop(0).scoreStandardErrorStop(3.0).build());
        CatEngine inTheta = new CatEngine(BANK, CatDesign.defaults());
        for (int category = 0; category < 5; category++) {
            int c = category;
            assertEquals(run(inTheta, id -> c, 0, OptionalDouble.empty()), run(inT, id -> c, 0, OptionalDouble.empty()));
        }
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().scoreStandardErrorStop(3.0).build(),
                "both standardErrorStop 0.3 (default) and a score rule");
    }

    @Test
    void thetaChangeStopEndsOnceTheLastAnswerMovedThetaLessThanTheThreshold() {
        CatDesign design = CatDesign.builder().standardErrorStop(0).minItems(3).maxItems(20).thetaChangeStop(0.05).build();
        CatEngine engine = new CatEngine(BANK, design);
        for (int category = 0; category < 5; category++) {
            int c = category;
            List<Answer> answers = run(engine, id -> id.hashCode() % 2 == 0 ? c : Math.min(4, c + 1), 0, OptionalDouble.empty());
            int n = answers.size();
            int expectedStop = -1;
            for (int k = 3; k <= 20; k++) {
                double change = Math.abs(eap(answers.subList(0, Math.min(k, n)), -4, 4, 81, 0)[0]
                        - eap(answers.subList(0, Math.min(k, n) - 1), -4, 4, 81, 0)[0]);
                if (k <= n && change < 0.05) {
                    expectedStop = k;
                    break;
                }
            }
            CatStep last = engine.next(answers);
            if (expectedStop > 0) {
                assertEquals(expectedStop, n, "pattern " + c);
                assertEquals(StopReason.THETA_STABLE, last.stopReason());
            } else {
                assertEquals(20, n);
                assertEquals(StopReason.MAX_ITEMS, last.stopReason());
            }
        }
    }

    @Test
    void previousScoreSetsThePriorMeanClampedToTheLimit() {
        CatDesign design = CatDesign.builder().previousScorePrior(true, 2.0).quadrature(-6, 6, 121).build();
        CatEngine engine = new CatEngine(BANK, design);
        List<Answer> answers = List.of(new Answer("G001", 3), new Answer("G002", 4));
        // 3.1 is clamped to 2.0; -0.7 is used as it is; without a previous score the prior mean is the design's 0
        assertEquals(eap(answers, -6, 6, 121, 2.0)[0], engine.next(answers, 0, OptionalDouble.of(3.1)).estimate().theta(), 1e-9);
        assertEquals(eap(answers, -6, 6, 121, -0.7)[0], engine.next(answers, 0, OptionalDouble.of(-0.7)).estimate().theta(), 1e-9);
        assertEquals(eap(answers, -6, 6, 121, 0)[0], engine.next(answers, 0, OptionalDouble.empty()).estimate().theta(), 1e-9);
        assertEquals(-2.0, engine.priorMeanFor(-5));
        // a design without the option ignores a previous score
        CatEngine plain = new CatEngine(BANK, CatDesign.defaults());
        assertEquals(plain.next(answers).estimate(), plain.next(answers, 0, OptionalDouble.of(1.5)).estimate());
    }

    @Test
    void contentBalancingTakesTheDomainFurthestBelowItsTarget() {
        // a = 3/4, b = 1/4; shares asked after n items decide: n=0 a (0.75 vs 0.25); 1a: b (-0.25 vs 0.25);
        // 1a1b: a (0.25 vs -0.25); 2a1b: a (0.083 vs -0.083); 3a1b: a (0 vs 0, a listed first); 4a1b: b (-0.05 vs 0.05)
        Map<String, String> domains = new java.util.HashMap<>();
        for (int i = 0; i < BANK.size(); i++) {
            domains.put(BANK.item(i).id(), i % 3 == 0 ? "b" : "a");
        }
        java.util.LinkedHashMap<String, Double> targets = new java.util.LinkedHashMap<>();
        targets.put("a", 0.75);
        targets.put("b", 0.25);
        CatEngine engine = new CatEngine(BANK, CatDesign.builder().standardErrorStop(0).minItems(6).maxItems(6)
                .contentBalancing(targets, domains).build());
        List<Answer> answers = run(engine, id -> 1, 0, OptionalDouble.empty());
        assertEquals(List.of("a", "b", "a", "a", "a", "b"), answers.stream().map(a -> domains.get(a.itemId())).toList());
        // within the domain, the most informative item at the current estimate (max-info)
        for (int n = 0; n < answers.size(); n++) {
            List<Answer> before = answers.subList(0, n);
            double theta = n == 0 ? 0.0 : eap(before, -4, 4, 81, 0)[0];
            String domain = domains.get(answers.get(n).itemId());
            String best = null;
            for (int i = 0; i < BANK.size(); i++) {
                String id = BANK.item(i).id();
                boolean asked = before.stream().anyMatch(a -> a.itemId().equals(id));
                if (!asked && domain.equals(domains.get(id)) && (best == null
                        || TextbookModels.analyticInformation(BANK.item(i), theta) > TextbookModels.analyticInformation(BANK.get(best), theta))) {
                    best = id;
                }
            }
            assertEquals(best, answers.get(n).itemId(), "step " + (n + 1));
        }
    }

    @Test
    void enemiesAreNeverAskedTogether() {
        CatEngine free = new CatEngine(BANK, CatDesign.builder().standardErrorStop(0).maxItems(12).build());
        List<Answer> unconstrained = run(free, id -> 2, 0, OptionalDouble.empty());
        // make the 1st and 2nd items the unconstrained test asks enemies: the constrained test must skip the 2nd
        Set<String> enemies = Set.of(unconstrained.get(0).itemId(), unconstrained.get(1).itemId());
        CatEngine engine = new CatEngine(BANK, CatDesign.builder().standardErrorStop(0).maxItems(12)
                .enemySets(List.of(enemies)).build());
        List<Answer> constrained = run(engine, id -> 2, 0, OptionalDouble.empty());
        assertEquals(unconstrained.get(0), constrained.get(0));
        assertNotEquals(unconstrained.get(1).itemId(), constrained.get(1).itemId());
        for (int category = 0; category < 5; category++) {
            int c = category;
            Set<String> asked = new HashSet<>(run(engine, id -> (id.hashCode() + c) % 5, 0, OptionalDouble.empty())
                    .stream().map(Answer::itemId).toList());
            asked.retainAll(enemies);
            assertTrue(asked.size() <= 1, "asked both enemies: " + asked);
        }
        // a bank whose remaining items are all enemies of asked ones ends as exhausted
        ItemBank two = new ItemBank(List.of(BANK.item(0), BANK.item(1)));
        CatEngine pair = new CatEngine(two, CatDesign.builder().standardErrorStop(0).minItems(1).enemySets(
                List.of(Set.of(BANK.item(0).id(), BANK.item(1).id()))).build());
        CatStep step = pair.next(List.of(new Answer(pair.next(List.of()).nextItemId(), 1)));
        assertEquals(StopReason.BANK_EXHAUSTED, step.stopReason());
    }

    @Test
    void sympsonHetterDrawsFromTheSeededStepGenerator() {
        CatDesign plain = CatDesign.builder().standardErrorStop(0).build();
        String best = new CatEngine(BANK, plain).next(List.of()).nextItemId();
        List<Answer> none = List.of();
        CatEngine engine = new CatEngine(BANK, plain.toBuilder().exposureParameters(Map.of(best, 0.4)).build());
        // by hand: the best item is taken when the first draw of the step's generator is below 0.4, otherwise the
        // next best (K = 1, no draw)
        String second = new CatEngine(new ItemBank(BANK.items().stream().filter(i -> !i.id().equals(best)).toList()),
                plain).next(none).nextItemId();
        int taken = 0;
        for (long salt = 0; salt < 400; salt++) {
            double u = new SplitMix64(engine.historySeed(none, salt)).nextDouble();
            String next = engine.next(none, salt).nextItemId();
            assertEquals(u < 0.4 ? best : second, next, "salt " + salt);
            assertEquals(next, engine.next(none, salt).nextItemId(), "same salt, same item");
            taken += next.equals(best) ? 1 : 0;
        }
        assertTrue(taken > 120 && taken < 200, "best item taken " + taken + " of 400");
        assertFalse(best.equals(second));
    }
}
