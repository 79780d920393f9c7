package fi.vointi.feedback;

import fi.vointi.catalog.CatalogLoadException;
import fi.vointi.catalog.QuestionnaireCatalog;
import io.micronaut.context.annotation.Context;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.ArrayList;
import java.util.List;

/** Stops start-up, like the catalog's own checks, when a feedback survey cannot be reported on. */
@Context
class FeedbackSurveyCheck {
    FeedbackSurveyCheck(QuestionnaireCatalog catalog) {
        List<String> problems = new ArrayList<>();
        for (Questionnaire questionnaire : catalog.all()) {
            FeedbackSurveyRules.problems(questionnaire).forEach(p -> problems.add("Questionnaire/" + questionnaire.getIdElement().getIdPart()
                    + " (" + questionnaire.getUrl() + "|" + questionnaire.getVersion() + "): " + p));
        }
        if (!problems.isEmpty()) {
            throw new CatalogLoadException("Feedback surveys are not usable: " + String.join("; ", problems));
        }
    }
}
