package fi.vointi.adaptive;

import fi.vointi.cat.Answer;
import fi.vointi.cat.CatReplay;
import fi.vointi.cat.CatStep;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import fi.vointi.observations.Reporter;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
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
    private final PreviousScores previousScores;

    public AdaptiveResponses(AdaptiveBanks banks, NextQuestionService nextQuestion, PreviousScores previousScores) {
        this.banks = banks;
        this.nextQuestion = nextQuestion;
        this.previousScores = previousScores;
    }

    /**
     * A new test of a bank whose design has {@code previousScorePrior}, created empty (the answering pages' draft, or an
     * API client storing an empty in-progress response to start): looks up the patient's previous theta on the bank once
     * ({@link PreviousScores}; the patient is the subject, the series is that of the reporter the response is recorded
     * as: {@link Reporter#of}) and seals it into the test's state, so every later step and replay uses it. Call on a
     * create after {@link #prepare} and after who answered was recorded (the caller was authorised for the subject).
     */
    public void startWithPreviousScore(QuestionnaireResponse response) {
        String reference = response.getQuestionnaire();
        if (reference == null || reference.isBlank() || reference.startsWith("#") || response.hasItem()
                || response.getStatus() != QuestionnaireResponseStatus.INPROGRESS) {
            return;
        }
        Optional<AdaptiveBank> found = banks.resolve(CanonicalRef.parse(reference));
        if (found.isEmpty() || !found.get().design().previousScorePrior()) {
            return;
        }
        AdaptiveBank bank = found.get();
        Optional<CatState> state = CatState.of(response);
        if (state.isEmpty() || state.get().previousTheta().isPresent()) {
            return;
        }
        IdType subject = response.hasSubject() && response.getSubject().hasReference()
                ? new IdType(response.getSubject().getReference()) : null;
        if (subject == null || !"Patient".equals(subject.getResourceType()) || !subject.hasIdPart()) {
            return;
        }
        OptionalDouble previous = previousScores.previousTheta(bank, subject.getIdPart(), Reporter.of(response));
        if (previous.isEmpty()) {
            return;
        }
        CatState started = CatState.sealed(nextQuestion.seals(), bank.canonical(), state.get().seed(), previous, List.of());
        started.putOn(response);
        setEstimate(response, bank, CatReplay.replay(bank.engine(), started.seed(), previous, List.of(), List.of(), false).last());
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
            CatState state = CatState.of(asked).orElseThrow(() -> CatState.altered("the contained Questionnaire has none"));
            String language = response.hasLanguage() ? response.getLanguage() : null;
            AdaptiveSession.Checked checked = checked(bank, linkId -> banks.presented(bank, linkId, language), asked.getItem(),
                    response.getItem(), isFinal);
            List<String> askedIds = asked.getItem().stream().map(Questionnaire.QuestionnaireItemComponent::getLinkId).toList();
            CatStep step = state.replay(nextQuestion.seals(), bank, askedIds, checked.answers(), isFinal).last();
            // stored form: the bank's url|version, the answers, and the state sealed over the answered items
            List<String> answered = checked.answers().stream().map(Answer::itemId).toList();
            response.getContained().remove(asked);
            response.setQuestionnaire(bank.canonical());
            state.resealed(nextQuestion.seals(), bank.canonical(), answered).putOn(response);
            setEstimate(response, bank, step);
            return;
        }
        Optional<AdaptiveBank> found = banks.resolve(CanonicalRef.parse(reference));
        if (found.isEmpty() || response.getStatus() == QuestionnaireResponseStatus.ENTEREDINERROR) {
            // not an adaptive test; or withdrawing one, which changes nothing that was measured
            return;
        }
        // The stored form (the pages' drafts, a client's PUT of what it read): the answers must be exactly those its
        // cat-state was sealed over, replayed under the design; a test is continued through $next-question only.
        AdaptiveBank bank = found.get();
        List<Questionnaire.QuestionnaireItemComponent> asked = new ArrayList<>();
        for (QuestionnaireResponseItemComponent item : response.getItem()) {
            bank.item(item.getLinkId()).ifPresent(asked::add);
        }
        AdaptiveSession.Checked checked = checked(bank, bank::item, asked, response.getItem(), true);
        Optional<CatState> state = CatState.of(response);
        CatStep step;
        if (state.isEmpty()) {
            if (response.hasItem()) {
                throw CatState.altered("answers to an adaptive test are stored with the server's state; answer it through"
                        + " $next-question");
            }
            // a test started by storing it empty (the answering pages): the server draws its seed now
            long seed = nextQuestion.seals().newSeed();
            new CatState(seed, nextQuestion.seals().seal(bank.canonical(), seed, List.of())).putOn(response);
            step = CatReplay.replay(bank.engine(), seed, List.of(), List.of(), isFinal).last();
            if (isFinal) {
                throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The adaptive test has not finished (no answers)");
            }
        } else {
            List<String> answered = checked.answers().stream().map(Answer::itemId).toList();
            step = state.get().replay(nextQuestion.seals(), bank, answered, checked.answers(), isFinal).last();
        }
        setEstimate(response, bank, step);
    }

    private static AdaptiveSession.Checked checked(AdaptiveBank bank,
                                                   Function<String, Optional<Questionnaire.QuestionnaireItemComponent>> shown,
                                                   List<Questionnaire.QuestionnaireItemComponent> asked,
                                                   List<QuestionnaireResponseItemComponent> answers, boolean requireAnswers) {
        AdaptiveSession.Checked checked = AdaptiveSession.check(bank, shown, asked, answers, requireAnswers);
        if (!checked.ok()) {
            throw FhirException.unprocessable(checked.problems());
        }
        return checked;
    }

    private static void setEstimate(QuestionnaireResponse response, AdaptiveBank bank, CatStep step) {
        response.getExtension().removeIf(e -> AdaptiveBank.CAT_ESTIMATE.equals(e.getUrl()));
        response.addExtension(AdaptiveSession.estimateExtension(step, bank.design()));
    }
}
