package fi.vointi.adaptive;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * An item as a respondent is shown it during an adaptive test: without its IRT parameters (the client has no
 * use for them), and — when the response names its {@code language} — in that language only, instead of
 * carrying every translation on every call. Tamper checks compare against exactly this form.
 */
final class ItemPresentation {
    static final String TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation";

    private ItemPresentation() {
    }

    /**
     * @param baseLanguage the bank's own language ({@code Questionnaire.language})
     * @param language     the respondent's language, or null to keep every translation
     */
    static QuestionnaireItemComponent present(QuestionnaireItemComponent bankItem, String baseLanguage, String language) {
        QuestionnaireItemComponent item = bankItem.copy();
        item.getExtension().removeIf(e -> AdaptiveBank.IRT_ITEM.equals(e.getUrl()));
        if (language == null) {
            return item;
        }
        boolean base = language.equalsIgnoreCase(baseLanguage);
        localize(item.getTextElement(), language, base);
        for (QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
            if (option.getValue() instanceof Coding coding) {
                localize(coding.getDisplayElement(), language, base);
            } else if (option.getValue() instanceof StringType text) {
                localize(text, language, base);
            }
        }
        return item;
    }

    private static void localize(StringType text, String language, boolean base) {
        if (text == null || text.isEmpty()) {
            return;
        }
        String translated = null;
        for (Extension translation : text.getExtensionsByUrl(TRANSLATION)) {
            Extension lang = translation.getExtensionByUrl("lang");
            Extension content = translation.getExtensionByUrl("content");
            if (lang != null && content != null && language.equalsIgnoreCase(lang.getValue().primitiveValue())) {
                translated = content.getValue().primitiveValue();
            }
        }
        text.getExtension().removeIf(e -> TRANSLATION.equals(e.getUrl()));
        if (!base && translated != null) {
            text.setValue(translated);
        }
    }
}
