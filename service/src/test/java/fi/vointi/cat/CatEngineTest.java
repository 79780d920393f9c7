package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every CatDesign option, exercised through the engine. */
class CatEngineTest {

    private static final ItemBank BANK = TestBanks.gradedBank(30, 77);

    /** Runs a CAT to its end, answering with {@code answer(bankIndex)}; returns every step. */
    private static List<CatStep> run(CatEngine engine, IntUnaryOperator answer, long salt) {
        List<Answer> answers = new ArrayList<>();
        List<CatStep> steps = new ArrayList<>();
        CatStep step = engine.next(answers, salt);
        steps.add(step);
        while (!step.finished()) {
            answers.add(new Answer(step.nextItemId(), answer.applyAsInt(engine.bank().indexOf(step.nextItemId()))));
            step = engine.next(answers, salt);
            steps.add(step);
        }
        return steps;
    }

    private static int mostInformativeAt(ItemBank bank, double theta, Set<String> exclude) {
        int best = -1;
        double bestValue = -1;
        for (int i = 0; i < bank.size(); i++) {
            double value = TextbookModels.analyticInformation(bank.item(i), theta);
            if (!exclude.contains(bank.item(i).id()) && value > bestValue) {
                best = i;
                bestValue = value;
            }
        }
        return best;
    }

    private static IntUnaryOperator middleAnswers() {
        return index -> 2;
    }

    @Test
    void defaultDesignRunsAPromisStyleCat() {
        CatDesign design = CatDesign.defaults();
        assertEquals(4, design.minItems());
        assertEquals(12, design.maxItems());
        assertEquals(0.3, design.standardErrorStop());
        List<CatStep> steps = run(new CatEngine(BANK, design), index -> index % 5, 0);
        CatStep last = steps.get(steps.size() - 1);
        assertTrue(last.itemsAdministered() >= 4 && last.itemsAdministered() <= 12);
        Set<String> asked = new HashSet<>();
        for (CatStep step : steps) {
            if (!step.finished()) {
                assertTrue(asked.add(step.nextItemId()), "re-administered " + step.nextItemId());
                assertNull(step.stopReason());
            }
        }
        assertEquals(last.itemsAdministered(), asked.size());
    }

    @Test
    void minItemsIsHonouredEvenWhenPrecisionIsAlreadyMet() {
        CatDesign design = CatDesign.builder().minItems(6).standardErrorStop(5.0).build();
        List<CatStep> steps = run(new CatEngine(BANK, design), middleAnswers(), 0);
        CatStep last = steps.get(steps.size() - 1);
        assertEquals(6, last.itemsAdministered());
        assertEquals(StopReason.STANDARD_ERROR, last.stopReason());
    }

    @Test
    void maxItemsCapsTheLength() {
        CatDesign design = CatDesign.builder().maxItems(7).standardErrorStop(0.0).build();
        CatStep last = run(new CatEngine(BANK, design), middleAnswers(), 0).get(7);
        assertEquals(7, last.itemsAdministered());
        assertEquals(StopReason.MAX_ITEMS, last.stopReason());
    }

    @Test
    void standardErrorStopEndsTheTestAtTheFirstPreciseStep() {
        CatDesign design = CatDesign.builder().standardErrorStop(0.35).maxItems(30).build();
        List<CatStep> steps = run(new CatEngine(BANK, design), middleAnswers(), 0);
        CatStep last = steps.get(steps.size() - 1);
        assertEquals(StopReason.STANDARD_ERROR, last.stopReason());
        assertTrue(last.estimate().standardError() <= 0.35);
        for (CatStep step : steps.subList(design.minItems(), steps.size() - 1)) {
            assertTrue(step.estimate().standardError() > 0.35);
        }
    }

    @Test
    void smallBankIsExhausted() {
        ItemBank small = TestBanks.gradedBank(5, 3);
        CatDesign design = CatDesign.builder().standardErrorStop(0.0).build();
        List<CatStep> steps = run(new CatEngine(small, design), middleAnswers(), 0);
        CatStep last = steps.get(steps.size() - 1);
        assertEquals(5, last.itemsAdministered());
        assertEquals(StopReason.BANK_EXHAUSTED, last.stopReason());
    }

    @Test
    void maxInfoAndMaxPosteriorInfoSelectionsFollowTheirCriteria() {
        CatEngine mfi = new CatEngine(BANK, CatDesign.defaults());
        CatEngine mpwi = new CatEngine(BANK, CatDesign.builder().selection(SelectionMethod.MAX_POSTERIOR_INFO).build());
        ItemSelector posteriorSelector = new ItemSelector(SelectionMethod.MAX_POSTERIOR_INFO, 1);
        int differences = 0;
        for (int first = 0; first < BANK.size(); first++) {
            for (int category = 0; category < 5; category += 4) {
                List<Answer> answers = List.of(new Answer(BANK.item(first).id(), category));
                CatStep byInfo = mfi.next(answers);
                CatStep byPosterior = mpwi.next(answers);
                assertEquals(BANK.item(mostInformativeAt(BANK, byInfo.estimate().theta(),
                        Set.of(BANK.item(first).id()))).id(), byInfo.nextItemId());
                Posterior posterior = mpwi.posterior(answers);
                assertEquals(BANK.item(posteriorSelector.select(posterior, 0, null)).id(), byPosterior.nextItemId());
                if (!byInfo.nextItemId().equals(byPosterior.nextItemId())) {
                    differences++;
                }
            }
        }
        assertTrue(differences > 0, "MFI and MPWI should disagree after some extreme first answers");
    }

    @Test
    void randomesqueIsReproducibleForAHistoryAndStaysInTheTopK() {
        CatDesign design = CatDesign.builder().randomesque(4).randomSeed(12345).build();
        CatEngine engine = new CatEngine(BANK, design);
        CatEngine otherInstance = new CatEngine(BANK, design);
        List<Answer> history = List.of(new Answer("G003", 1), new Answer("G010", 3));

        String next = engine.next(history, 99).nextItemId();
        assertEquals(next, otherInstance.next(List.copyOf(history), 99).nextItemId());
        assertEquals(next, engine.next(new ArrayList<>(history), 99).nextItemId());

        // Across sessions the draw varies but stays within the 4 most informative items.
        double theta = engine.next(history).estimate().theta();
        List<Integer> ranking = new ArrayList<>();
        Set<String> exclude = new HashSet<>(Set.of("G003", "G010"));
        for (int r = 0; r < 4; r++) {
            int best = mostInformativeAt(BANK, theta, exclude);
            ranking.add(best);
            exclude.add(BANK.item(best).id());
        }
        Set<String> topFour = new HashSet<>();
        ranking.forEach(i -> topFour.add(BANK.item(i).id()));
        Set<String> drawn = new HashSet<>();
        for (long salt = 0; salt < 100; salt++) {
            drawn.add(engine.next(history, salt).nextItemId());
        }
        assertEquals(topFour, drawn);

        // The first item is randomised too, among the 4 best at the start theta.
        Set<String> firstItems = new HashSet<>();
        for (long salt = 0; salt < 100; salt++) {
            firstItems.add(engine.next(List.of(), salt).nextItemId());
        }
        assertEquals(4, firstItems.size());

        // The design seed is part of the seed.
        Set<String> bySeed = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            bySeed.add(new CatEngine(engine.tables(), design.toBuilder().randomSeed(seed).build())
                    .next(history, 99).nextItemId());
        }
        assertTrue(bySeed.size() > 1);
    }

    @Test
    void randomesqueOneIsDeterministicRegardlessOfSalt() {
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        List<Answer> history = List.of(new Answer("G001", 2));
        String expected = engine.next(history, 0).nextItemId();
        for (long salt = 1; salt < 20; salt++) {
            assertEquals(expected, engine.next(history, salt).nextItemId());
        }
    }

    @Test
    void firstItemIdFixesTheFirstItemOnly() {
        CatEngine engine = new CatEngine(BANK, CatDesign.builder().firstItemId("G017").randomesque(3).build());
        for (long salt = 0; salt < 10; salt++) {
            assertEquals("G017", engine.next(List.of(), salt).nextItemId());
        }
        assertNotEquals("G017", engine.next(List.of(new Answer("G017", 2))).nextItemId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CatEngine(BANK, CatDesign.builder().firstItemId("NOPE").build()));
        assertTrue(e.getMessage().contains("NOPE"));
    }

    @Test
    void startThetaChoosesTheFirstItemByInformationThere() {
        String atZero = new CatEngine(BANK, CatDesign.defaults()).next(List.of()).nextItemId();
        String atTwo = new CatEngine(BANK, CatDesign.builder().startTheta(2.0).build()).next(List.of()).nextItemId();
        assertEquals(BANK.item(mostInformativeAt(BANK, 0.0, Set.of())).id(), atZero);
        assertEquals(BANK.item(mostInformativeAt(BANK, 2.0, Set.of())).id(), atTwo);
        assertNotEquals(atZero, atTwo);
        // The start theta is only a selection point: the reported estimate is the prior's.
        assertEquals(0.0, new CatEngine(BANK, CatDesign.builder().startTheta(2.0).build())
                .next(List.of()).estimate().theta(), 1e-12);
    }

    @Test
    void priorMeanAndSdShapeTheEstimate() {
        CatDesign design = CatDesign.builder().priorMean(-0.5).priorSd(0.8).build();
        CatEngine engine = new CatEngine(BANK, design);
        double[] prior = EapBruteForceTest.bruteForceEap(List.of(), new int[0], -4, 4, 81, -0.5, 0.8);
        Estimate start = engine.next(List.of()).estimate();
        assertEquals(prior[0], start.theta(), 1e-12);
        assertEquals(prior[1], start.standardError(), 1e-12);
        assertEquals(0.8, start.standardError(), 1e-4); // the -4..4 grid truncates the prior slightly

        List<Answer> answers = List.of(new Answer("G004", 3), new Answer("G021", 1), new Answer("G012", 4));
        double[] expected = EapBruteForceTest.bruteForceEap(
                List.of(BANK.get("G004"), BANK.get("G021"), BANK.get("G012")), new int[] {3, 1, 4}, -4, 4, 81,
                -0.5, 0.8);
        Estimate estimate = engine.next(answers).estimate();
        assertEquals(expected[0], estimate.theta(), 1e-9);
        assertEquals(expected[1], estimate.standardError(), 1e-9);
    }

    @Test
    void quadratureSettingsDefineTheGrid() {
        CatDesign design = CatDesign.builder().quadrature(-5, 5, 51).build();
        CatEngine engine = new CatEngine(BANK, design);
        assertEquals(new QuadratureGrid(-5, 5, 51), engine.tables().grid());
        List<Answer> answers = List.of(new Answer("G002", 4), new Answer("G009", 4));
        double[] expected = EapBruteForceTest.bruteForceEap(List.of(BANK.get("G002"), BANK.get("G009")),
                new int[] {4, 4}, -5, 5, 51, 0, 1);
        Estimate estimate = engine.next(answers).estimate();
        assertEquals(expected[0], estimate.theta(), 1e-9);
        assertEquals(expected[1], estimate.standardError(), 1e-9);
        assertThrows(IllegalArgumentException.class,
                () -> new CatEngine(BankTables.build(BANK, QuadratureGrid.DEFAULT), design));
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().quadrature(2, -2, 31).build());
    }

    @Test
    void scoreMeanAndSdMapThetaToTheReportingScale() {
        CatDesign design = CatDesign.builder().scoreMean(100).scoreSd(15).build();
        CatStep step = new CatEngine(BANK, design).next(List.of(new Answer("G005", 0), new Answer("G006", 1)));
        assertEquals(100 + 15 * step.estimate().theta(), step.score().value(), 1e-12);
        assertEquals(15 * step.estimate().standardError(), step.score().standardError(), 1e-12);
        CatStep tScore = new CatEngine(BANK, CatDesign.defaults()).next(List.of(new Answer("G005", 0)));
        assertEquals(50 + 10 * tScore.estimate().theta(), tScore.score().value(), 1e-12);
    }

    @Test
    void mapEstimatorReportsThePosteriorMode() {
        CatEngine eap = new CatEngine(BANK, CatDesign.defaults());
        CatEngine map = new CatEngine(eap.tables(), CatDesign.builder().estimator(EstimationMethod.MAP).build());
        List<Answer> answers = List.of(new Answer("G011", 4), new Answer("G020", 3), new Answer("G027", 4));
        Estimate mode = map.next(answers).estimate();
        assertEquals(map.posterior(answers).map(), mode);
        Estimate direct = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD, EstimationMethod.MAP)
                .estimate(List.of(BANK.get("G011"), BANK.get("G020"), BANK.get("G027")), new int[] {4, 3, 4});
        assertEquals(direct.theta(), mode.theta(), 1e-9);
        assertNotEquals(eap.next(answers).estimate().theta(), mode.theta(), 1e-3);
        // MAP stopping uses its own SE: the whole CAT runs with it.
        List<CatStep> steps = run(map, middleAnswers(), 0);
        CatStep last = steps.get(steps.size() - 1);
        assertTrue(last.itemsAdministered() >= 4 && last.itemsAdministered() <= 12);
        assertEquals(map.posterior(List.of()).map().standardError(), steps.get(0).estimate().standardError(), 0.0);
    }

    @Test
    void rejectsInvalidAnswerLists() {
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        assertThrows(IllegalArgumentException.class, () -> engine.next(List.of(new Answer("UNKNOWN", 0))));
        assertThrows(IllegalArgumentException.class,
                () -> engine.next(List.of(new Answer("G001", 0), new Answer("G001", 1))));
        assertThrows(IllegalArgumentException.class, () -> engine.next(List.of(new Answer("G001", 5))));
        assertThrows(IllegalArgumentException.class, () -> new Answer("G001", -1));
        assertThrows(IllegalArgumentException.class, () -> engine.next(null));
    }

    @Test
    void stepRecordsCarryEitherANextItemOrAReason() {
        CatStep step = new CatEngine(BANK, CatDesign.defaults()).next(List.of());
        assertFalse(step.finished());
        assertTrue(step.nextItem().isPresent());
        assertEquals(0, step.itemsAdministered());
        assertThrows(IllegalArgumentException.class, () -> new CatStep(step.estimate(), step.score(), 0, "x",
                StopReason.MAX_ITEMS));
        assertThrows(IllegalArgumentException.class, () -> new CatStep(step.estimate(), step.score(), 0, null, null));
    }
}
