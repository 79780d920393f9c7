package fi.vointi.web.answer;

import fi.vointi.web.LiveEnableWhen;
import fi.vointi.web.QuestionnaireForm.ItemView;
import fi.vointi.web.QuestionnaireForm.Problem;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/** What the answering templates (src/main/jte/app/answer) show. */
public final class AnswerViews {
    private AnswerViews() {
    }

    public record Hidden(String name, String value) {
    }

    /**
     * One page of a questionnaire.
     *
     * @param forWhom  "Answering for Onni" (always shown while answering), or null on an invitation link
     * @param progress "Page 2 of 5"
     * @param context  the group a one-question page belongs to, or null
     * @param live     linkId → the enableWhen conditions {@code enable-when.js} evaluates live ({@link LiveEnableWhen})
     * @param added    questions were added to this page by the answer just given
     * @param first    no Back button (the first page)
     */
    public record PageView(String title, String titleLang, @Nullable String forWhom, String progress, int step, int steps,
                           @Nullable String context, String contextLang, List<ItemView> items,
                           Map<String, LiveEnableWhen.Condition> live, List<Problem> problems,
                           String action, List<Hidden> hidden, boolean added, boolean first, boolean returnsToReview,
                           String scaleLow, String scaleHigh) {
    }

    /** One answer on the review page; {@code id} is where the error summary links to. */
    public record ReviewRow(String id, String question, String questionLang, List<String> answers, String changeHref,
                            @Nullable String error) {
    }

    public record ReviewSection(String heading, String headingLang, List<ReviewRow> rows) {
    }

    public record ReviewView(String title, String titleLang, @Nullable String forWhom, List<ReviewSection> sections,
                             List<Problem> problems, String action, List<Hidden> hidden) {
    }

    /** A plain message page with an optional link, e.g. the invitation link's "already used". */
    public record NoticeView(String heading, String text, @Nullable String context, @Nullable String linkHref,
                             @Nullable String linkText) {
    }
}
