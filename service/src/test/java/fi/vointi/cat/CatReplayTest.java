package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay of an administered test: genuine tests pass under every design, every kind of departure is named. */
class CatReplayTest {

    private static final ItemBank BANK = TestBanks.gradedBank(30, 77);

    /** A genuine test: the items the engine chose with this seed, answered {@code category(step)}. */
    private record Administered(List<String> asked, List<Answer> answers, CatStep last) {
    }

    private static Administered administer(CatEngine engine, long seed, int[] categories) {
        List<String> asked = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();
        CatStep step = engine.next(answers, seed);
        while (!step.finished()) {
            asked.add(step.nextItemId());
            answers.add(new Answer(step.nextItemId(), categories[answers.size() % categories.length]));
            step = engine.next(answers, seed);
        }
        return new Administered(asked, answers, step);
    }

    private static final List<CatDesign> DESIGNS = List.of(
            CatDesign.defaults(),
            CatDesign.builder().randomesque(3).build(),
            CatDesign.builder().randomesque(5).selection(SelectionMethod.MAX_POSTERIOR_INFO).build(),
            CatDesign.builder().estimator(EstimationMethod.MAP).firstItemId("G017").build(),
            CatDesign.builder().minItems(2).maxItems(6).standardErrorStop(0).randomesque(2).build());

    @Test
    void genuineTestsReplayUnderEveryDesignAndGiveTheEnginesFinalStep() {
        for (CatDesign design : DESIGNS) {
            CatEngine engine = new CatEngine(BANK, design);
            for (long seed : new long[]{1, 99, -7}) {
                Administered test = administer(engine, seed, new int[]{0, 3, 1, 4, 2});
                CatReplay.Result result = CatReplay.replay(engine, seed, test.asked(), test.answers(), true);
                assertNull(result.problem(), () -> design + " " + result.problem());
                assertEquals(test.last(), result.last());
                // in progress: every prefix, with the item asked now, replays as well
                for (int n = 0; n < test.answers().size(); n++) {
                    CatReplay.Result partial = CatReplay.replay(engine, seed, test.asked().subList(0, n + 1),
                            test.answers().subList(0, n), false);
                    assertTrue(partial.ok(), () -> partial.problem().toString());
                    assertEquals(test.asked().get(n), partial.last().nextItemId());
                }
            }
        }
    }

    @Test
    void aSwappedItemIsRefusedAtItsStep() {
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        Administered test = administer(engine, 0, new int[]{1, 2, 3});
        List<String> asked = new ArrayList<>(test.asked());
        List<Answer> answers = new ArrayList<>(test.answers());
        String other = BANK.items().stream().map(IrtItem::id).filter(id -> !asked.contains(id)).findFirst().orElseThrow();
        asked.set(2, other);
        answers.set(2, new Answer(other, answers.get(2).category()));
        CatReplay.Result result = CatReplay.replay(engine, 0, asked, answers, true);
        assertEquals(3, result.problem().step());
        assertTrue(result.problem().message().contains("'" + other + "'"), result.problem().message());
        assertTrue(result.problem().message().contains("'" + test.asked().get(2) + "'"), result.problem().message());
    }

    @Test
    void aClientChosenSequenceIgnoringTheFirstItemIsRefusedAtStepOne() {
        CatEngine engine = new CatEngine(BANK, CatDesign.builder().firstItemId("G017").build());
        List<String> asked = BANK.items().stream().map(IrtItem::id).filter(id -> !id.equals("G017")).limit(12).toList();
        List<Answer> answers = asked.stream().map(id -> new Answer(id, 2)).toList();
        CatReplay.Result result = CatReplay.replay(engine, 0, asked, answers, true);
        assertEquals(1, result.problem().step());
        assertTrue(result.problem().message().contains("'G017'"), result.problem().message());
    }

    @Test
    void itemsAfterTheStopAndBeyondMaxItemsAreRefused() {
        // stops on precision: extreme-free middling answers on a 30-item bank reach SE 0.3 before 12 items
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        Administered test = administer(engine, 0, new int[]{2});
        assertEquals(StopReason.STANDARD_ERROR, test.last().stopReason());
        List<String> unused = BANK.items().stream().map(IrtItem::id).filter(id -> !test.asked().contains(id)).toList();
        List<String> asked = new ArrayList<>(test.asked());
        List<Answer> answers = new ArrayList<>(test.answers());
        asked.add(unused.get(0));
        answers.add(new Answer(unused.get(0), 2));
        CatReplay.Result afterStop = CatReplay.replay(engine, 0, asked, answers, true);
        assertEquals(test.asked().size() + 1, afterStop.problem().step());
        assertTrue(afterStop.problem().message().contains("after the test had ended (standard-error"),
                afterStop.problem().message());

        // a never-stopping-on-precision design: the 13th item is beyond maxItems 12
        CatEngine longest = new CatEngine(BANK, CatDesign.builder().standardErrorStop(0).build());
        Administered full = administer(longest, 0, new int[]{0, 4});
        assertEquals(12, full.asked().size());
        List<String> thirteen = new ArrayList<>(full.asked());
        List<Answer> thirteenAnswers = new ArrayList<>(full.answers());
        String extra = BANK.items().stream().map(IrtItem::id).filter(id -> !thirteen.contains(id)).findFirst().orElseThrow();
        thirteen.add(extra);
        thirteenAnswers.add(new Answer(extra, 1));
        CatReplay.Result tooLong = CatReplay.replay(longest, 0, thirteen, thirteenAnswers, true);
        assertEquals(13, tooLong.problem().step());
        assertTrue(tooLong.problem().message().contains("maxItems (12)"), tooLong.problem().message());
    }

    @Test
    void completedBeforeTheStoppingRuleIsRefusedButInProgressIsFine() {
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        Administered test = administer(engine, 0, new int[]{0, 4, 1});
        int early = 3;
        List<String> asked = test.asked().subList(0, early);
        List<Answer> answers = test.answers().subList(0, early);
        CatReplay.Result completed = CatReplay.replay(engine, 0, asked, answers, true);
        assertEquals(early + 1, completed.problem().step());
        assertTrue(completed.problem().message().contains("has not finished"), completed.problem().message());
        assertTrue(CatReplay.replay(engine, 0, asked, answers, false).ok());
    }

    @Test
    void theSeedDecidesRandomesquePathsAndAnotherSeedsPathIsRefused() {
        CatEngine engine = new CatEngine(BANK, CatDesign.builder().randomesque(5).build());
        Administered a = null;
        Administered b = null;
        long seedB = 0;
        for (long seed = 1; seed < 50 && (b == null || b.asked().equals(a.asked())); seed++) {
            if (a == null) {
                a = administer(engine, 1000, new int[]{2, 1, 3});
            }
            seedB = seed;
            b = administer(engine, seed, new int[]{2, 1, 3});
        }
        assertNotEquals(a.asked(), b.asked(), "two seeds give two paths");
        CatReplay.Result foreign = CatReplay.replay(engine, seedB, a.asked(), a.answers(), true);
        assertTrue(foreign.problem() != null, "a path drawn with another seed does not replay");
        assertTrue(CatReplay.replay(engine, 1000, a.asked(), a.answers(), true).ok());
    }

    @Test
    void twoItemsAheadOfTheAnswersAreRefused() {
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        Administered test = administer(engine, 0, new int[]{2, 3});
        CatReplay.Result result = CatReplay.replay(engine, 0, test.asked().subList(0, 3), test.answers().subList(0, 1), false);
        assertEquals(3, result.problem().step());
        assertTrue(result.problem().message().contains("before item 2 was answered"), result.problem().message());
    }

    @Test
    void answersOutOfTheAskedOrderAreTheCallersBug() {
        CatEngine engine = new CatEngine(BANK, CatDesign.defaults());
        assertThrows(IllegalArgumentException.class, () -> CatReplay.replay(engine, 0, List.of("G001"),
                List.of(new Answer("G002", 1)), false));
        assertThrows(IllegalArgumentException.class, () -> CatReplay.replay(engine, 0, List.of(),
                List.of(new Answer("G002", 1)), false));
    }

    @Test
    void aTestWithAPreviousScorePriorIsReplayedWithThatPrior() {
        CatEngine engine = new CatEngine(BANK, CatDesign.builder().selection(SelectionMethod.MAX_POSTERIOR_INFO)
                .previousScorePrior(true, 2).quadrature(-6, 6, 121).build());
        java.util.OptionalDouble previous = java.util.OptionalDouble.of(1.7);
        List<String> asked = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();
        CatStep step = engine.next(answers, 5L, previous);
        while (!step.finished()) {
            asked.add(step.nextItemId());
            answers.add(new Answer(step.nextItemId(), 3));
            step = engine.next(answers, 5L, previous);
        }
        CatReplay.Result withPrior = CatReplay.replay(engine, 5L, previous, asked, answers, true);
        assertNull(withPrior.problem());
        assertEquals(step.estimate().theta(), withPrior.last().estimate().theta(), 0.0);
        // the same path replayed without the prior is another test: its estimate differs, and so may its items
        CatReplay.Result without = CatReplay.replay(engine, 5L, asked, answers, false);
        assertNotEquals(step.estimate().theta(), without.last().estimate().theta());
    }
}
