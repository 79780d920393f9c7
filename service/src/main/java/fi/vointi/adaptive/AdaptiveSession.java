package fi.vointi.adaptive;

import fi.vointi.cat.Answer;
import fi.vointi.cat.CatStep;
import fi.vointi.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks what a client sends back during an adaptive test — the items it was asked (the contained
 * Questionnaire) and its answers — against the bank, and turns the answers into engine input. The
 * server keeps no session: everything it trusts is re-derived from the bank on every call.
 */
public final class AdaptiveSession {
    private AdaptiveSession() {
    }

    /** The answers in the order the items were asked; problems found instead, if any. */
    public record Checked(List<Answer> answers, List<OperationOutcomeIssueComponent> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * @param shown          the form in which each bank item was shown (see ItemPresentation)
     * @param asked          the items administered so far, as the client returns them
     * @param requireAnswers every asked item must be answered (true for $next-question and completed responses)
     */
    public static Checked check(AdaptiveBank bank, Function<String, Optional<Questionnaire.QuestionnaireItemComponent>> shown,
                                List<Questionnaire.QuestionnaireItemComponent> asked,
                                List<QuestionnaireResponseItemComponent> responseItems, boolean requireAnswers) {
        List<OperationOutcomeIssueComponent> problems = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (Questionnaire.QuestionnaireItemComponent item : asked) {
            String linkId = item.getLinkId();
            var definition = shown.apply(linkId);
            if (definition.isEmpty()) {
                problems.add(problem("Item '" + linkId + "' is not in bank " + bank.canonical(), "Questionnaire.item"));
            } else if (!definition.get().equalsDeep(item)) {
                problems.add(problem("Item '" + linkId + "' differs from the bank's item (text, options or parameters"
                        + " were changed)", "Questionnaire.item"));
            } else if (order.contains(linkId)) {
                problems.add(problem("Item '" + linkId + "' was asked twice", "Questionnaire.item"));
            } else {
                order.add(linkId);
            }
        }
        Map<String, Integer> categories = new HashMap<>();
        for (QuestionnaireResponseItemComponent item : responseItems) {
            String linkId = item.getLinkId();
            String where = "QuestionnaireResponse.item.where(linkId='" + linkId + "')";
            if (!order.contains(linkId)) {
                problems.add(problem("Answer to item '" + linkId + "', which was never asked", where));
                continue;
            }
            if (categories.containsKey(linkId)) {
                problems.add(problem("Item '" + linkId + "' is answered twice", where));
                continue;
            }
            if (item.hasItem() || item.getAnswer().size() != 1 || item.getAnswerFirstRep().hasItem()) {
                problems.add(problem("Item '" + linkId + "' needs exactly one answer and no nested items", where));
                continue;
            }
            OptionalInt category = bank.category(linkId, item.getAnswerFirstRep().getValue());
            if (category.isEmpty()) {
                problems.add(problem("The answer to item '" + linkId + "' is not one of its options", where + ".answer"));
                continue;
            }
            categories.put(linkId, category.getAsInt());
        }
        List<Answer> answers = new ArrayList<>();
        Set<String> missing = new HashSet<>();
        for (String linkId : order) {
            Integer category = categories.get(linkId);
            if (category == null) {
                missing.add(linkId);
            } else {
                answers.add(new Answer(linkId, category));
            }
        }
        if (requireAnswers && !missing.isEmpty()) {
            problems.add(problem("Answer the items already asked before asking for the next: " + missing.stream().sorted().toList(),
                    "QuestionnaireResponse.item"));
        }
        return new Checked(answers, problems);
    }

    /**
     * The cat-estimate extension for a step: theta and SE, the scale score and its SE, items used, why it stopped. The
     * score carries the design's reported precision ({@code scoreDecimals}; 4 decimals when the design rounds nothing),
     * since a FHIR decimal's trailing zeros state its precision.
     */
    public static Extension estimateExtension(CatStep step, fi.vointi.cat.CatDesign design) {
        int scoreScale = design.scoreDecimals() < 0 ? 4 : design.scoreDecimals();
        Extension estimate = new Extension(AdaptiveBank.CAT_ESTIMATE);
        estimate.addExtension("theta", decimal(step.estimate().theta(), 6));
        estimate.addExtension("standardError", decimal(step.estimate().standardError(), 6));
        estimate.addExtension("score", decimal(step.score().value(), scoreScale));
        estimate.addExtension("scoreStandardError", decimal(step.score().standardError(), scoreScale));
        estimate.addExtension("itemsAdministered", new IntegerType(step.itemsAdministered()));
        if (step.finished()) {
            estimate.addExtension("stopReason", new CodeType(step.stopReason().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        return estimate;
    }

    private static DecimalType decimal(double value, int scale) {
        return new DecimalType(BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_EVEN));
    }

    static OperationOutcomeIssueComponent problem(String message, String expression) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.BUSINESSRULE, message, expression);
    }
}
