package fi.vointi.cat;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Re-runs an administered adaptive test over its answers and says whether every item is the one the design would
 * have asked at that step: the same engine, the same test seed (randomesque draws), answer by answer.
 *
 * <p>Refused, naming the first wrong step (1-based): an item other than the engine's choice at that step (for
 * randomesque k &gt; 1: other than the seeded draw among the top k), an item asked after the stopping rule was met
 * (which includes more items than {@code maxItems}), more than one item asked ahead of the answers, and a test
 * declared completed before the stopping rule.
 *
 * <p>Uses only {@link CatEngine#next(List, long, OptionalDouble)}, so whatever the engine's design does (selection, exposure control,
 * stopping rules) the replay checks exactly that. Cost: one engine step per answer plus one, i.e. a few microseconds
 * per item on a bank of tens of items. Stateless and thread-safe.
 */
public final class CatReplay {

    private CatReplay() {
    }

    /**
     * @param step    the 1-based position of the first wrong item in the asked sequence (for an early completion: the
     *                position of the item the design would still ask)
     * @param message what is wrong, for a person reading an error message
     */
    public record Problem(int step, String message) {
    }

    /**
     * @param last    the engine's step after all the answers (the estimate to report; the next item or the stop reason)
     * @param problem the first problem found, or null when the test was administered as the design says
     */
    public record Result(CatStep last, Problem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /**
     * @param engine    the bank's engine (its design)
     * @param testSeed  the test's randomesque seed (the engine's session salt)
     * @param asked     the item ids in the order they were asked; at most one more than the answers (the item asked now)
     * @param answers   the answers, in the order asked: answer i is to {@code asked.get(i)}
     * @param completed whether the response claims the test has ended
     * @throws IllegalArgumentException when the answers are not to the asked items in order (a caller's bug: check
     *                                  the answers against the asked items first), or an answer is invalid for the bank
     */
    public static Result replay(CatEngine engine, long testSeed, List<String> asked, List<Answer> answers, boolean completed) {
        return replay(engine, testSeed, OptionalDouble.empty(), asked, answers, completed);
    }

    /**
     * {@link #replay(CatEngine, long, List, List, boolean)} for a test whose prior mean comes from the person's previous
     * theta ({@code previousScorePrior}): every step uses the same {@code previousTheta}, as the test did.
     */
    public static Result replay(CatEngine engine, long testSeed, OptionalDouble previousTheta, List<String> asked,
                                List<Answer> answers, boolean completed) {
        if (previousTheta == null) {
            throw new IllegalArgumentException("previousTheta is required (OptionalDouble.empty() for none)");
        }
        if (engine == null || asked == null || answers == null) {
            throw new IllegalArgumentException("engine, asked items and answers are required");
        }
        if (answers.size() > asked.size()) {
            throw new IllegalArgumentException(answers.size() + " answers to " + asked.size() + " asked items");
        }
        for (int i = 0; i < answers.size(); i++) {
            if (!answers.get(i).itemId().equals(asked.get(i))) {
                throw new IllegalArgumentException("answer " + (i + 1) + " is to '" + answers.get(i).itemId()
                        + "', but item " + (i + 1) + " asked was '" + asked.get(i) + "'");
            }
        }
        CatStep step = null;
        for (int i = 0; i <= answers.size(); i++) {
            step = engine.next(answers.subList(0, i), testSeed, previousTheta);
            if (i == asked.size()) {
                break;
            }
            String given = asked.get(i);
            if (step.finished()) {
                return new Result(step, new Problem(i + 1, afterStop(engine.design(), step, i, given)));
            }
            if (!step.nextItemId().equals(given)) {
                return new Result(step, new Problem(i + 1, "Item " + (i + 1) + " of the test is '" + given
                        + "', but the test's design asks '" + step.nextItemId() + "' at that step"));
            }
        }
        if (asked.size() > answers.size() + 1) {
            int position = answers.size() + 2;
            return new Result(step, new Problem(position, "Item " + position + " ('" + asked.get(position - 1)
                    + "') was asked before item " + (position - 1) + " was answered"));
        }
        if (completed && !step.finished()) {
            return new Result(step, new Problem(answers.size() + 1, String.format(Locale.ROOT,
                    "The test has not finished: after %d items (standard error %.3f) the design asks item %d ('%s');"
                            + " it cannot be completed before its stopping rule", answers.size(),
                    step.estimate().standardError(), answers.size() + 1, step.nextItemId())));
        }
        return new Result(step, null);
    }

    private static String afterStop(CatDesign design, CatStep step, int answered, String given) {
        String reason = step.stopReason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (step.stopReason() == StopReason.MAX_ITEMS) {
            return "Item " + (answered + 1) + " ('" + given + "') is more than the design's maxItems (" + design.maxItems()
                    + "): the test ended after item " + answered;
        }
        return "Item " + (answered + 1) + " ('" + given + "') was asked after the test had ended (" + reason + " after "
                + answered + " items)";
    }
}
