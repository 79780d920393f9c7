package fi.vointi.catalog;

import fi.vointi.fhir.FhirContexts;
import fi.vointi.fhir.FhirJson;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The content parsed ahead by Application.main is what the catalog would have parsed itself, and is taken once. */
class BundledContentTest {

    @Test
    void contentParsedAheadEqualsContentParsedInlineAndIsTakenOnce() {
        BundledContent inline = BundledContent.take(new FhirJson(FhirContexts.r4()));
        BundledContent.parseAhead();
        BundledContent ahead = BundledContent.take(new FhirJson(FhirContexts.r4()));

        assertFalse(ahead.conformance.isEmpty());
        assertFalse(ahead.questionnaires.isEmpty());
        assertEquals(sources(inline), sources(ahead));
        for (int i = 0; i < inline.questionnaires.size(); i++) {
            assertTrue(((Questionnaire) inline.questionnaires.get(i).resource())
                    .equalsDeep((Questionnaire) ahead.questionnaires.get(i).resource()));
            assertEquals(inline.questionnaires.get(i).text(), ahead.questionnaires.get(i).text());
        }
        // a second context parses on its own rather than sharing resource objects with the first
        BundledContent again = BundledContent.take(new FhirJson(FhirContexts.r4()));
        assertNotSame(ahead.questionnaires.get(0).resource(), again.questionnaires.get(0).resource());
    }


    @Test
    void aFileThatDoesNotParseNamesTheFile() {
        FhirJson json = new FhirJson(FhirContexts.r4());
        CatalogLoadException e = assertThrows(CatalogLoadException.class, () -> BundledContent.parse(json,
                new ContentFile("classpath:questionnaires/broken.json", "{\"resourceType\":\"Questionnaire\",\"status\":1")));
        assertTrue(e.getMessage().startsWith("classpath:questionnaires/broken.json: not a valid FHIR JSON resource"),
                e.getMessage());
    }

    private static java.util.List<String> sources(BundledContent content) {
        return java.util.stream.Stream.concat(content.conformance.stream(), content.questionnaires.stream())
                .map(BundledContent.ParsedFile::source).toList();
    }
}
