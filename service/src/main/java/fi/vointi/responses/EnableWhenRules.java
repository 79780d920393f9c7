package fi.vointi.responses;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Questionnaire.EnableWhenBehavior;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemEnableWhenComponent;
import org.hl7.fhir.r4.model.Type;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntPredicate;

/** R4 Questionnaire.item.enableWhen / enableBehavior evaluation. */
public final class EnableWhenRules {

    private EnableWhenRules() {
    }

    /**
     * @param answersOf the answer values recorded for a question linkId, already resolved to the
     *                  occurrence nearest to the item being evaluated
     */
    public static boolean isEnabled(QuestionnaireItemComponent item, Function<String, List<Type>> answersOf) {
        if (!item.hasEnableWhen()) {
            return true;
        }
        // R4 requires enableBehavior when there are several conditions; without it we take the stricter "all".
        boolean any = item.getEnableBehavior() == EnableWhenBehavior.ANY;
        for (QuestionnaireItemEnableWhenComponent condition : item.getEnableWhen()) {
            boolean holds = holds(condition, answersOf.apply(condition.getQuestion()));
            if (any && holds) {
                return true;
            }
            if (!any && !holds) {
                return false;
            }
        }
        return !any;
    }

    static boolean holds(QuestionnaireItemEnableWhenComponent condition, List<Type> answers) {
        Type expected = condition.getAnswer();
        if (condition.getOperator() == null || expected == null) {
            return false;
        }
        return switch (condition.getOperator()) {
            case EXISTS -> expected instanceof BooleanType wanted && wanted.hasValue()
                    && wanted.booleanValue() == !answers.isEmpty();
            case EQUAL -> answers.stream().anyMatch(answer -> AnswerValues.equal(answer, expected));
            case NOT_EQUAL -> answers.stream().noneMatch(answer -> AnswerValues.equal(answer, expected));
            case GREATER_THAN -> anyCompares(answers, expected, order -> order > 0);
            case LESS_THAN -> anyCompares(answers, expected, order -> order < 0);
            case GREATER_OR_EQUAL -> anyCompares(answers, expected, order -> order >= 0);
            case LESS_OR_EQUAL -> anyCompares(answers, expected, order -> order <= 0);
            default -> false;
        };
    }

    private static boolean anyCompares(List<Type> answers, Type expected, IntPredicate accept) {
        return answers.stream()
                .map(answer -> AnswerValues.compare(answer, expected))
                .flatMap(Optional::stream)
                .anyMatch(accept::test);
    }
}
