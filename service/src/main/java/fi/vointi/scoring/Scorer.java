package fi.vointi.scoring;

import fi.vointi.cat.SumScoreRow;
import fi.vointi.cat.SumScoreTable;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates scoring rules on one response's answers. Pure and thread-safe; see docs/scoring.md for the
 * semantics. Exact decimal arithmetic throughout, rounded once at the end (half-up, 2 decimals).
 */
public final class Scorer {

    private Scorer() {
    }

    /** One result per rule, in rule order. */
    public static List<ScoreResult> score(List<ScoringRule> rules, Answers answers) {
        List<ScoreResult> results = new ArrayList<>(rules.size());
        for (ScoringRule rule : rules) {
            results.add(score(rule, answers));
        }
        return List.copyOf(results);
    }

    /**
     * Scores one rule.
     *
     * @throws IllegalArgumentException if an answer holds a value the item cannot have
     */
    public static ScoreResult score(ScoringRule rule, Answers answers) {
        int n = rule.items().size();
        List<ItemScale> answeredItems = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        int categorySum = 0;
        for (ItemScale item : rule.items()) {
            BigDecimal value = answers.values().get(item.linkId());
            if (value == null) {
                continue;
            }
            int category = item.category(value);
            if (category < 0) {
                throw new IllegalArgumentException("score '" + rule.code() + "': item '" + item.linkId()
                        + "' cannot have the value " + value.toPlainString() + " (possible: "
                        + item.values().stream().map(BigDecimal::toPlainString).toList() + ")");
            }
            answeredItems.add(item);
            categorySum += category;
            sum = sum.add(rule.reverse().contains(item.linkId()) ? item.reverse(value) : value);
        }
        int answered = answeredItems.size();
        if (answered < rule.minAnswered()) {
            return new ScoreResult(rule.code(), rule.display(), rule.unit(), null, null, null,
                    NoValueReason.TOO_FEW_ANSWERS, answered, n);
        }
        BigDecimal value;
        BigDecimal standardError = null;
        switch (rule.method()) {
            case MEAN -> value = sum.divide(BigDecimal.valueOf(answered), Scores.DECIMALS, RoundingMode.HALF_UP);
            case SUM -> {
                BigDecimal full = BigDecimal.valueOf(n);
                BigDecimal count = BigDecimal.valueOf(answered);
                if (rule.lookup().isEmpty()) {
                    value = sum.multiply(full).divide(count, Scores.DECIMALS, RoundingMode.HALF_UP);
                } else {
                    // the prorated raw sum is rounded half-up to a whole number, then looked up
                    int raw = sum.multiply(full).divide(count, 0, RoundingMode.HALF_UP).intValueExact();
                    LookupRow row = rule.lookup().get(raw - rule.lookup().get(0).raw());
                    value = row.value();
                    standardError = row.standardError();
                }
            }
            case IRT_SUM -> {
                SumScoreTable table = SumScoreTable.forAnsweredItems(rule.irt().items(),
                        answeredItems.stream().map(ItemScale::linkId).toList(), 0, rule.irt().grid(),
                        rule.irt().prior(), rule.irt().scale());
                SumScoreRow row = table.row(categorySum);
                value = Scores.round(row.scaleScore());
                standardError = Scores.round(row.scaleStandardError());
            }
            default -> throw new IllegalStateException("unknown method " + rule.method());
        }
        value = Scores.normalise(value);
        Band band = null;
        for (Band candidate : rule.bands()) {
            if (candidate.contains(value)) {
                band = candidate;
                break;
            }
        }
        return new ScoreResult(rule.code(), rule.display(), rule.unit(), value, standardError, band, null, answered, n);
    }
}
