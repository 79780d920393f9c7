package fi.vointi.adaptive.pages;

import fi.vointi.web.QuestionnaireForm;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** What the adaptive-test templates (jte/app/cat) show. */
public final class AdaptiveViews {
    private AdaptiveViews() {
    }

    /**
     * @param title     the test's title in the page language
     * @param titleLang the language that title is in (Finnish when not translated)
     * @param forWhom   whose test this is ("your own" / "for your child …")
     */
    public record Heading(String title, String titleLang, String forWhom) {
    }

    /**
     * The invitation: what the test is like (the bank's own description, e.g. its time frame), and the button that
     * starts (or continues) it.
     */
    public record StartView(Heading heading, String description, String descriptionLang, String action, String taskId,
                            String lang, int minItems, int maxItems, boolean continuing) {
    }

    /** One question: "Question n" with no total, no Back, a notice when an earlier answer was sent again. */
    public record QuestionView(Heading heading, int number, QuestionnaireForm.ItemView item,
                               List<QuestionnaireForm.Problem> problems, String action, String linkId, String lang,
                               @Nullable String notice) {
    }

    /**
     * The end of the test. {@code score}/{@code standardError}: the stored Observation's figures in the page language's
     * number format (null while the result is not stored yet: then {@code action} sends it).
     */
    public record FinishedView(Heading heading, @Nullable String score, @Nullable String standardError, int answered,
                               String resultsHref, @Nullable String action, String lang) {
    }
}
