package fi.vointi.feedback;

import fi.vointi.web.QuestionnaireForm.ItemView;
import fi.vointi.web.QuestionnaireForm.Problem;

import java.util.List;

/** What the feedback templates (src/main/jte/feedback) show; built by {@link FeedbackController}. */
public final class FeedbackViews {
    private FeedbackViews() {
    }

    public record Hidden(String name, String value) {
    }

    public record AudienceOption(String id, String value, String label) {
    }

    /** @param error what to fix when the person continued without choosing, or null */
    public record AudienceChoiceView(String unitName, String unitLang, String action, List<Hidden> hidden,
                                     List<AudienceOption> audiences, String error) {
    }

    /**
     * @param child the child-friendly form (short texts, drawn faces, larger targets)
     * @param kiosk a shared device: the browser must not remember what the last person typed
     */
    public record FormView(String unitName, String unitLang, String title, String titleLang, String description,
                           String descriptionLang, String anonymity, String action, List<Hidden> hidden,
                           List<ItemView> items, List<Problem> problems, boolean child, boolean kiosk, String sendLabel,
                           String scaleLow, String scaleHigh) {
    }

    /** @param returnSeconds on a kiosk, after how many seconds the page returns to an empty form by itself */
    public record ThanksView(String heading, String text, String unitName, String unitLang, boolean kiosk,
                             String newAnswerHref, int returnSeconds) {
    }
}
