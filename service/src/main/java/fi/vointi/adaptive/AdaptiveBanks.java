package fi.vointi.adaptive;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.CatalogLoadException;
import fi.vointi.catalog.QuestionnaireCatalog;
import io.micronaut.context.annotation.Context;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every adaptive questionnaire (item bank) of the catalog, read once at start-up with its engine tables
 * precomputed. A bank that cannot be read stops start-up, like any other invalid questionnaire.
 */
@Context
public class AdaptiveBanks {
    private final Map<String, AdaptiveBank> byCanonical = new HashMap<>();
    private final Map<String, Optional<Questionnaire.QuestionnaireItemComponent>> presented = new ConcurrentHashMap<>();
    private final QuestionnaireCatalog catalog;

    public AdaptiveBanks(QuestionnaireCatalog catalog) {
        this.catalog = catalog;
        for (Questionnaire questionnaire : catalog.all()) {
            if (AdaptiveBank.isAdaptive(questionnaire)) {
                try {
                    AdaptiveBank bank = AdaptiveBank.read(questionnaire);
                    byCanonical.put(bank.canonical(), bank);
                } catch (IllegalArgumentException e) {
                    throw new CatalogLoadException("Questionnaire " + questionnaire.getUrl() + "|" + questionnaire.getVersion()
                            + " is not a usable item bank: " + e.getMessage());
                }
            }
        }
    }

    /** The bank for an exact or version-less canonical (the catalog's current version), if adaptive. */
    public Optional<AdaptiveBank> resolve(CanonicalRef ref) {
        return catalog.resolve(ref).map(q -> byCanonical.get(q.getUrl() + "|" + q.getVersion()));
    }

    public Optional<AdaptiveBank> byId(String id) {
        return catalog.byId(id).map(q -> byCanonical.get(q.getUrl() + "|" + q.getVersion()));
    }

    /** The item as respondents see it in {@code language} (null: all translations); shared, never modify it. */
    public Optional<Questionnaire.QuestionnaireItemComponent> presented(AdaptiveBank bank, String linkId, String language) {
        return presented.computeIfAbsent(bank.canonical() + "|" + linkId + "|" + language, key -> bank.item(linkId)
                .map(item -> ItemPresentation.present(item, bank.questionnaire().getLanguage(), language)));
    }

    public boolean isAdaptive(Questionnaire questionnaire) {
        return byCanonical.containsKey(questionnaire.getUrl() + "|" + questionnaire.getVersion());
    }
}
