package fi.vointi.feedback;

import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FeedbackLanguageTest {
    @Test
    void queryParameterThenAcceptLanguageThenFinnish() {
        assertEquals("sv", FeedbackLanguage.choose("sv", "en"));
        assertEquals("en", FeedbackLanguage.choose("EN", null));
        assertEquals("en", FeedbackLanguage.choose("de", "de-DE,en;q=0.8,sv;q=0.5"));
        assertEquals("sv", FeedbackLanguage.choose(null, "sv-FI"));
        assertEquals("fi", FeedbackLanguage.choose(null, "de"));
        assertEquals("fi", FeedbackLanguage.choose(null, ";;;garbage"));
        assertEquals("fi", FeedbackLanguage.choose(null, null));
    }

    @Test
    void translationsComeFromTheStandardExtension() {
        StringType text = new StringType("Kiitos");
        org.hl7.fhir.r4.model.Extension translation = text.addExtension().setUrl(FeedbackLanguage.TRANSLATION);
        translation.addExtension("lang", new org.hl7.fhir.r4.model.CodeType("sv"));
        translation.addExtension("content", new StringType("Tack"));
        assertEquals("Tack", FeedbackLanguage.text(text, "sv"));
        assertEquals("Kiitos", FeedbackLanguage.text(text, "en"), "no English: the base text");
        assertEquals("Kiitos", FeedbackLanguage.text(text, "fi"));
    }
}
