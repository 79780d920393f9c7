package fi.vointi.results;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** What the results templates (src/main/jte/app/results) show; every text already in the page language. */
public final class ResultsViews {
    private ResultsViews() {
    }

    /** A link with its text (a guardian's children, the other language versions …). */
    public record Link(String href, String text) {
    }

    /** My results: for whom, each questionnaire and reporter with its scores, and the answers with their sharing. */
    public record ListView(@Nullable String whose, List<Link> children, List<Section> sections, List<AnswerRow> answers,
                           @Nullable String emptyText) {
    }

    /** One questionnaire's scores, answered by one kind of reporter: never mixed with the other kind. */
    public record Section(String id, String title, String titleLang, String reporter, List<ScoreView> scores) {
    }

    /**
     * One score: the latest value with its band and explanation, changes, the chart and the same figures as a table.
     *
     * @param latest the latest value as text, or null when the latest answer could not be scored
     */
    public record ScoreView(String id, String name, String nameLang, @Nullable String latest, @Nullable String standardError,
                            @Nullable String band, String bandLang, String explanation, @Nullable String latestDate,
                            @Nullable Change fromFirst, @Nullable Change fromPrevious, Chart chart, List<Row> rows) {
    }

    /**
     * A change with its words: {@code reliable} true (a real change), false (within the measurement error), null
     * (cannot be judged); {@code mark} is the word-mark shown next to it, never colour alone.
     */
    public record Change(String difference, String text, @Nullable Boolean reliable, String mark) {
        public String cssClass() {
            return reliable == null ? "change-unknown" : reliable ? "change-reliable" : "change-small";
        }
    }

    /** The chart: geometry from {@link ScoreChart}, the accessible title and description, and formatted tick texts. */
    public record Chart(String titleId, String descId, String title, String description, ScoreChart.Geometry geometry,
                        List<String> tickTexts, List<String> pointTexts, String axisLabel) {
    }

    /** One table row: when, value, SE, band, changes (text with their marks), and the answer's page. */
    public record Row(String date, String value, @Nullable String standardError, String band, String fromFirst,
                      String fromPrevious, String href) {
    }

    /** One answer in the list of answers with its sharing state. */
    public record AnswerRow(String href, String title, String titleLang, String date, String reporter, String sharing) {
    }

    /** One response's page. */
    public record ResponseView(String title, String titleLang, String date, String reporter, List<ScoreLine> scores,
                               List<AnswerLine> answers, Sharing sharing, @Nullable Usability usability,
                               @Nullable String notice, String backHref) {
    }

    public record ScoreLine(String name, String nameLang, String value, @Nullable String standardError,
                            @Nullable String band, String bandLang, String explanation) {
    }

    public record AnswerLine(String question, String questionLang, String answer, String answerLang) {
    }

    /**
     * The sharing decision of one response.
     *
     * @param ask      show the explicit question ("Send these results to the care team at …?") right after sending
     * @param unitName the care team's unit, or null when the answer has no unit (nothing to share with)
     * @param state    the current state in words (shared on …, withdrawn on …, not shared)
     * @param shared   whether it is shared now
     * @param history  every decision, oldest first, in words
     */
    public record Sharing(boolean ask, @Nullable String unitName, String unitLang, String state, boolean shared,
                          List<String> history, String action, List<Hidden> hidden) {
    }

    public record Hidden(String name, String value) {
    }

    /** The optional anonymous usability check: its questions and where skipping leads. */
    public record Usability(String action, String title, String titleLang, String intro, String scaleText,
                            String scaleLang, List<UsabilityQuestion> questions, List<Hidden> hidden, String skipHref) {
    }

    public record UsabilityQuestion(String name, String id, String text, String textLang, List<Integer> values) {
    }
}
