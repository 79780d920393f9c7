package fi.vointi.adaptive;

import fi.vointi.cat.CatStep;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Prepares an adaptive-test response for storage: checks it against its bank, points it at the bank's exact
 * url|version instead of the contained working copy, and writes the server's own cat-estimate (a client's
 * figures are never trusted). Responses to other questionnaires pass untouched.
 */
@Singleton
public class AdaptiveResponses {
    private static final Set<QuestionnaireResponseStatus> FINAL =
            Set.of(QuestionnaireResponseStatus.COMPLETED, QuestionnaireResponseStatus.AMENDED);
    private final AdaptiveBanks banks;
    private final NextQuestionService nextQuestion;

    public AdaptiveResponses(AdaptiveBanks banks, NextQuestionService nextQuestion) {
        this.banks = banks;
        this.nextQuestion = nextQuestion;
    }

    public void prepare(QuestionnaireResponse response) {
        String reference = response.getQuestionnaire();
        if (reference == null || reference.isBlank()) {
            return;
        }
        boolean isFinal = response.getStatus() != null && FINAL.contains(response.getStatus());
        if (reference.startsWith("#")) {
            Questionnaire asked = NextQuestionService.contained(response, reference.substring(1)).orElseThrow(() ->
                    FhirException.unprocessable(IssueType.NOTFOUND, "QuestionnaireResponse.questionnaire '" + reference
                            + "' names no contained Questionnaire"));
            AdaptiveBank bank = nextQuestion.bankOf(asked);
            String language = response.hasLanguage() ? response.getLanguage() : null;
            CatStep step = score(bank, linkId -> banks.presented(bank, linkId, language), asked.getItem(),
                    response.getItem(), isFinal);
            if (isFinal && !step.finished()) {
                throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The adaptive test has not finished ("
                        + step.itemsAdministered() + " items, standard error " + String.format(java.util.Locale.ROOT, "%.3f",
                        step.estimate().standardError()) + "): ask $next-question for the next item");
            }
            response.getContained().remove(asked);
            response.setQuestionnaire(bank.canonical());
            setEstimate(response, step);
            return;
        }
        Optional<AdaptiveBank> bank = banks.resolve(CanonicalRef.parse(reference));
        if (bank.isPresent()) {
            // Answered without $next-question (a fixed selection of bank items, e.g. a short form): scored by EAP
            // on the items answered, in the order given.
            List<Questionnaire.QuestionnaireItemComponent> asked = new ArrayList<>();
            for (QuestionnaireResponseItemComponent item : response.getItem()) {
                bank.get().item(item.getLinkId()).ifPresent(asked::add);
            }
            setEstimate(response, score(bank.get(), bank.get()::item, asked, response.getItem(), isFinal));
        }
    }

    private static CatStep score(AdaptiveBank bank, Function<String, Optional<Questionnaire.QuestionnaireItemComponent>> shown,
                                 List<Questionnaire.QuestionnaireItemComponent> asked,
                                 List<QuestionnaireResponseItemComponent> answers, boolean requireAnswers) {
        AdaptiveSession.Checked checked = AdaptiveSession.check(bank, shown, asked, answers, requireAnswers);
        if (!checked.ok()) {
            throw FhirException.unprocessable(checked.problems());
        }
        return bank.engine().next(checked.answers());
    }

    private static void setEstimate(QuestionnaireResponse response, CatStep step) {
        response.getExtension().removeIf(e -> AdaptiveBank.CAT_ESTIMATE.equals(e.getUrl()));
        response.addExtension(AdaptiveSession.estimateExtension(step));
    }
}
