package fi.vointi.web.staff;

import fi.vointi.results.ResultsViews;
import fi.vointi.web.Messages;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * "Copy for the record": one answer as short structured plain text that pastes cleanly into an EHR's free-text field
 * or a quality registry — the questionnaire, the date, who answered, then one line per score with its band and the
 * change since the first answer (baseline). Plain lines only: no tabs, no markup, nothing an EHR field could mangle.
 */
public final class RecordText {
    private RecordText() {
    }

    /**
     * One score line's facts, already formatted in the clinician's language.
     *
     * @param value         the value, or null when the answer could not be scored
     * @param standardError the standard error of a T-score (CAT), or null
     * @param fromBaseline  the change since the first answer, or null (this is the first answer, or no series)
     * @param baseline      this answer is the first of its series
     */
    public record Score(String name, @Nullable String value, @Nullable String standardError, @Nullable String band,
                        @Nullable ResultsViews.Change fromBaseline, boolean baseline) {
    }

    public static String of(String lang, String questionnaire, String date, String reporter, List<Score> scores) {
        StringBuilder text = new StringBuilder();
        text.append(oneLine(questionnaire)).append(", ").append(date).append('\n');
        text.append(oneLine(reporter)).append('\n');
        if (scores.isEmpty()) {
            text.append(Messages.get(lang, "staff.record.noScores")).append('\n');
        }
        for (Score score : scores) {
            text.append(oneLine(score.name())).append(": ");
            if (score.value() == null) {
                text.append(Messages.get(lang, "app.results.notScored"));
            } else {
                text.append(score.value());
                if (score.standardError() != null) {
                    text.append(" ± ").append(score.standardError());
                }
            }
            if (score.band() != null) {
                text.append(" (").append(oneLine(score.band())).append(')');
            }
            text.append("; ");
            if (score.fromBaseline() != null) {
                text.append(Messages.get(lang, "staff.record.change", score.fromBaseline().text()));
            } else if (score.baseline()) {
                text.append(Messages.get(lang, "staff.record.baseline"));
            } else {
                text.append(Messages.get(lang, "staff.record.change", "–"));
            }
            text.append('\n');
        }
        return text.toString().stripTrailing();
    }

    /** A text from the content as one line of plain text (translations may hold line breaks or tabs). */
    static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
