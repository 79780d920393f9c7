package fi.vointi.catalog;

import fi.vointi.fhir.FhirJson;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Questionnaire;

import java.time.Instant;

/**
 * Keeps every questionnaire version the service has served. A version whose content changes without a
 * new version number would silently change what stored responses mean, so start-up refuses it.
 */
@Singleton
public class QuestionnaireArchive {
    private final QuestionnaireArchiveRepository repository;

    public QuestionnaireArchive(QuestionnaireArchiveRepository repository) {
        this.repository = repository;
    }

    /** @param encoded the questionnaire as {@code json} encodes it */
    @Transactional
    public void remember(String source, Questionnaire questionnaire, String encoded, FhirJson json) {
        String hash = ValidationFingerprint.sha256(encoded);
        var stored = repository.find(questionnaire.getUrl(), questionnaire.getVersion());
        if (stored.isEmpty()) {
            repository.insert(new ArchivedQuestionnaire(questionnaire.getUrl(), questionnaire.getVersion(),
                    questionnaire.getIdElement().getIdPart(), hash, Instant.now(), encoded));
            return;
        }
        if (stored.get().contentSha256().equals(hash)) {
            return;
        }
        // Compare content, not bytes: a newer HAPI may encode the same resource differently.
        Questionnaire before = json.parseStored(stored.get().resourceJson(), Questionnaire.class);
        Questionnaire now = questionnaire.copy();
        before.setMeta(null);
        now.setMeta(null);
        if (!before.equalsDeep(now)) {
            throw new CatalogLoadException(source + ": Questionnaire " + questionnaire.getUrl() + "|"
                    + questionnaire.getVersion() + " differs from the content already published under that version"
                    + " (first loaded " + stored.get().firstLoaded() + "); give changed content a new version");
        }
    }
}
