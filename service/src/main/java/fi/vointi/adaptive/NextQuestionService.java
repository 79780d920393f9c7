package fi.vointi.adaptive;

import fi.vointi.cat.CatStep;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Resource;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The SDC {@code $next-question} operation, statelessly: the client's QuestionnaireResponse holds a contained
 * Questionnaire with the items asked so far (derivedFrom = the bank's url|version) and the answers; the answer
 * adds the next item, or completes the response, and carries the current cat-estimate either way.
 */
@Singleton
public class NextQuestionService {
    /** Id of the contained Questionnaire the server creates when a test starts. */
    public static final String CONTAINED_ID = "cat";
    private final AdaptiveBanks banks;
    private final CatStateSeal seals;

    public NextQuestionService(AdaptiveBanks banks, CatStateSeal seals) {
        this.banks = banks;
        this.seals = seals;
    }

    CatStateSeal seals() {
        return seals;
    }

    public QuestionnaireResponse next(QuestionnaireResponse response) {
        if (response.getStatus() != null && response.getStatus() != QuestionnaireResponseStatus.INPROGRESS) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "$next-question continues an in-progress response;"
                    + " this one is " + response.getStatus().toCode());
        }
        response.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        String reference = response.getQuestionnaire();
        if (reference == null || reference.isBlank()) {
            throw FhirException.unprocessable(IssueType.REQUIRED, "QuestionnaireResponse.questionnaire must name the item bank"
                    + " (url|version) to start, or '#" + CONTAINED_ID + "' (the contained Questionnaire) to continue");
        }
        Questionnaire asked;
        AdaptiveBank bank;
        CatState state;
        if (reference.startsWith("#")) {
            asked = contained(response, reference.substring(1)).orElseThrow(() -> FhirException.unprocessable(
                    IssueType.NOTFOUND, "QuestionnaireResponse.questionnaire '" + reference + "' names no contained Questionnaire"));
            bank = bankOf(asked);
            state = CatState.of(asked).orElseThrow(() -> CatState.altered("the contained Questionnaire has none"));
        } else {
            bank = banks.resolve(CanonicalRef.parse(reference)).orElseThrow(() -> FhirException.unprocessable(
                    IssueType.NOTFOUND, "'" + reference + "' is not an adaptive questionnaire of this server"));
            if (!response.getContained().isEmpty() || response.hasItem()) {
                throw FhirException.unprocessable(IssueType.BUSINESSRULE,
                        "A new adaptive test starts without answers or contained resources");
            }
            asked = newWorkingCopy(bank);
            response.addContained(asked);
            response.setQuestionnaire("#" + CONTAINED_ID);
            state = null;
        }
        String language = response.hasLanguage() ? response.getLanguage() : null;
        AdaptiveSession.Checked checked = AdaptiveSession.check(bank, linkId -> banks.presented(bank, linkId, language),
                asked.getItem(), response.getItem(), true);
        if (!checked.ok()) {
            throw FhirException.unprocessable(checked.problems());
        }
        List<String> askedIds = new ArrayList<>(asked.getItem().size() + 1);
        asked.getItem().forEach(item -> askedIds.add(item.getLinkId()));
        CatStep step;
        if (state == null) {
            // a new test: the server alone draws its seed, whatever the client sends (an identifier chooses nothing).
            // No previous score: this operation needs no login, so it reads nothing about the subject a client names
            // (a previousScorePrior test starts with the previous score by storing an empty draft first).
            state = new CatState(seals.newSeed(), null);
            step = bank.engine().next(List.of(), state.seed(), state.previousTheta());
        } else {
            step = state.replay(seals, bank, askedIds, checked.answers(), false).last();
        }
        response.getExtension().removeIf(e -> AdaptiveBank.CAT_ESTIMATE.equals(e.getUrl()));
        response.addExtension(AdaptiveSession.estimateExtension(step, bank.design()));
        if (step.finished()) {
            response.setStatus(QuestionnaireResponseStatus.COMPLETED);
        } else {
            asked.addItem(banks.presented(bank, step.nextItemId(), language).orElseThrow().copy());
            askedIds.add(step.nextItemId());
        }
        state.resealed(seals, bank.canonical(), askedIds).putOn(asked);
        return response;
    }

    /**
     * The {@code $next-question} working copy of a stored adaptive response (the bank's url|version, the answers in the
     * order asked, the server's cat-state sealed over them), with {@code newAnswer} added when given: what the answering
     * pages pass to {@link #next}. A stored response without state and without answers (started before tests had
     * state) gets a fresh seed.
     */
    public QuestionnaireResponse workingCopy(AdaptiveBank bank, QuestionnaireResponse stored,
                                             @Nullable QuestionnaireResponseItemComponent newAnswer) {
        List<String> answered = new ArrayList<>();
        stored.getItem().forEach(item -> answered.add(item.getLinkId()));
        CatState state = CatState.of(stored).orElse(null);
        if (state == null) {
            if (stored.hasItem()) {
                throw CatState.altered("the stored response has none");
            }
            state = CatState.sealed(seals, bank.canonical(), seals.newSeed(), OptionalDouble.empty(), answered);
        } else if (!state.verifies(seals, bank.canonical(), answered)) {
            throw CatState.altered("its seal does not match the stored answers");
        }
        QuestionnaireResponse working = new QuestionnaireResponse();
        working.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        Questionnaire asked = newWorkingCopy(bank);
        List<QuestionnaireResponseItemComponent> answers = new ArrayList<>(stored.getItem());
        if (newAnswer != null) {
            answers.add(newAnswer);
        }
        List<String> askedIds = new ArrayList<>();
        for (QuestionnaireResponseItemComponent answer : answers) {
            banks.presented(bank, answer.getLinkId(), null).ifPresent(item -> asked.addItem(item.copy()));
            askedIds.add(answer.getLinkId());
            working.addItem(answer.copy());
        }
        state.resealed(seals, bank.canonical(), askedIds).putOn(asked);
        working.addContained(asked);
        working.setQuestionnaire("#" + CONTAINED_ID);
        return working;
    }

    private static Questionnaire newWorkingCopy(AdaptiveBank bank) {
        Questionnaire asked = new Questionnaire();
        asked.setId(CONTAINED_ID);
        asked.setStatus(PublicationStatus.ACTIVE);
        asked.addDerivedFrom(bank.canonical());
        asked.setTitle(bank.questionnaire().getTitle());
        asked.getTitleElement().setExtension(bank.questionnaire().getTitleElement().getExtension());
        return asked;
    }

    /** The bank a contained Questionnaire was derived from: exactly the version the test started on. */
    AdaptiveBank bankOf(Questionnaire asked) {
        if (asked.getDerivedFrom().size() != 1) {
            throw FhirException.unprocessable(IssueType.INVALID,
                    "The contained Questionnaire must name its item bank in derivedFrom (url|version)");
        }
        CanonicalRef ref = CanonicalRef.parse(asked.getDerivedFrom().get(0).getValue());
        if (!ref.hasVersion()) {
            throw FhirException.unprocessable(IssueType.INVALID, "derivedFrom must name the bank's version (url|version)");
        }
        return banks.resolve(ref).filter(b -> b.canonical().equals(ref.toString())).orElseThrow(() ->
                FhirException.unprocessable(IssueType.NOTFOUND, "Item bank " + ref + " is not served (unknown bank or version);"
                        + " start the test again"));
    }

    static Optional<Questionnaire> contained(QuestionnaireResponse response, String id) {
        for (Resource resource : response.getContained()) {
            if (resource instanceof Questionnaire q && id.equals(q.getIdElement().getIdPart())) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }


}
