package fi.vointi.feedback;

import fi.vointi.web.Languages;
import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.PrimitiveType;

import java.util.List;

/** The feedback pages' language rules are the web pages' ({@link Languages}); kept for the feedback code's callers. */
final class FeedbackLanguage {
    static final List<String> SUPPORTED = Languages.SUPPORTED;
    static final String TRANSLATION = Languages.TRANSLATION;

    private FeedbackLanguage() {
    }

    static String choose(@Nullable String lang, @Nullable String acceptLanguage) {
        return Languages.choose(lang, acceptLanguage);
    }

    static String text(@Nullable PrimitiveType<?> element, String lang) {
        return Languages.text(element, lang);
    }
}
