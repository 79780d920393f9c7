package fi.vointi.observations;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.scoring.ScoringRule;
import fi.vointi.scoring.ScoringRules;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every score of the shipped questionnaires has its code in fhir-profiles/CodeSystem-vointi-score.json, and no more. */
@MicronautTest
class ScoreCodeSystemTest {
    @Inject
    QuestionnaireCatalog catalog;

    @Test
    void everyShippedScoreHasItsCode() {
        CodeSystem scores = catalog.conformanceResources().stream()
                .filter(r -> r instanceof CodeSystem cs && ScoreCodes.SCORE_SYSTEM.equals(cs.getUrl()))
                .map(CodeSystem.class::cast).findFirst().orElseThrow();
        Set<String> defined = scores.getConcept().stream().map(CodeSystem.ConceptDefinitionComponent::getCode)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> used = new TreeSet<>();
        for (Questionnaire q : catalog.all()) {
            for (ScoringRule rule : ScoringRules.read(q)) {
                used.add(ScoreCodes.code(q, rule.code()));
            }
            if (AdaptiveBank.isAdaptive(q)) {
                used.add(ScoreCodes.code(q, ScoreCodes.CAT_SCORE));
            }
        }
        assertTrue(used.size() >= 6, used.toString());
        assertEquals(defined, used);
    }
}
