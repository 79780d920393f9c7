package fi.vointi.adaptive.pages;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.adaptive.AdaptiveBanks;
import fi.vointi.adaptive.NextQuestionService;
import fi.vointi.catalog.CanonicalRef;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.util.Optional;

/**
 * Where a stored adaptive test stands, worked out by the same {@link NextQuestionService} that answers
 * {@code $next-question}: the stored in-progress response holds only the answers (in the order asked), and the next
 * question is a function of them, so nothing else needs to be kept between pages and a test resumes in any browser.
 */
@Singleton
public class AdaptiveRun {
    private final AdaptiveBanks banks;
    private final NextQuestionService nextQuestion;

    public AdaptiveRun(AdaptiveBanks banks, NextQuestionService nextQuestion) {
        this.banks = banks;
        this.nextQuestion = nextQuestion;
    }

    /**
     * @param working  the response as a {@code $next-question} client holds it: the contained Questionnaire
     *                 {@code #cat} with the items asked, the answers, the engine's current cat-estimate, and status
     *                 completed once the stopping rule is met
     * @param question the question to ask now (the newest contained item), or null when the test has ended
     * @param number   1-based number of that question (answers so far + 1)
     */
    public record Position(AdaptiveBank bank, QuestionnaireResponse working, @Nullable QuestionnaireItemComponent question,
                           int number) {
        public boolean finished() {
            return working.getStatus() == QuestionnaireResponseStatus.COMPLETED;
        }
    }

    /** The adaptive bank a stored response answers (its exact version), if it is an adaptive test. */
    public Optional<AdaptiveBank> bankOf(QuestionnaireResponse stored) {
        if (!stored.hasQuestionnaire()) {
            return Optional.empty();
        }
        CanonicalRef ref = CanonicalRef.parse(stored.getQuestionnaire());
        return banks.resolve(ref).filter(bank -> bank.canonical().equals(ref.toString()) || !ref.hasVersion());
    }

    /** The position of a stored in-progress adaptive response, optionally with one more answer given. */
    public Position position(AdaptiveBank bank, QuestionnaireResponse stored, @Nullable QuestionnaireResponseItemComponent newAnswer) {
        // the stored answers with the server's sealed state (seed), replayed by $next-question's own code
        QuestionnaireResponse working = nextQuestion.workingCopy(bank, stored, newAnswer);
        QuestionnaireResponse next = nextQuestion.next(working);
        int answered = next.getItem().size();
        if (next.getStatus() == QuestionnaireResponseStatus.COMPLETED) {
            return new Position(bank, next, null, answered);
        }
        Questionnaire contained = (Questionnaire) next.getContained().get(0);
        QuestionnaireItemComponent question = contained.getItem().get(contained.getItem().size() - 1);
        return new Position(bank, next, question, answered + 1);
    }
}
