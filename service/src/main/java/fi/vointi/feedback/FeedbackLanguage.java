package fi.vointi.feedback;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;

import java.util.List;
import java.util.Locale;

/** The page language (fi, sv or en) and the translated text of questionnaire elements. */
final class FeedbackLanguage {
    static final List<String> SUPPORTED = List.of("fi", "sv", "en");
    static final String TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation";

    private FeedbackLanguage() {
    }

    /** {@code ?lang=} first, then the browser's Accept-Language, then Finnish. */
    static String choose(@Nullable String lang, @Nullable String acceptLanguage) {
        if (lang != null && SUPPORTED.contains(lang.toLowerCase(Locale.ROOT))) {
            return lang.toLowerCase(Locale.ROOT);
        }
        if (acceptLanguage != null && !acceptLanguage.isBlank()) {
            try {
                String match = Locale.lookupTag(Locale.LanguageRange.parse(acceptLanguage), SUPPORTED);
                if (match != null) {
                    return match;
                }
            } catch (IllegalArgumentException e) {
                // an unreadable header is the same as none
            }
        }
        return "fi";
    }

    /** The element's text in {@code lang}: its translation extension, or the base (Finnish) text. */
    static String text(@Nullable PrimitiveType<?> element, String lang) {
        if (element == null || !element.hasValue()) {
            return "";
        }
        if (!"fi".equals(lang)) {
            for (Extension translation : ((Element) element).getExtensionsByUrl(TRANSLATION)) {
                Extension language = translation.getExtensionByUrl("lang");
                Extension content = translation.getExtensionByUrl("content");
                if (language != null && content != null && lang.equals(language.getValue().primitiveValue())) {
                    return content.getValue().primitiveValue();
                }
            }
        }
        return element.getValueAsString();
    }
}
