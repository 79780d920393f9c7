package fi.vointi.feedback;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The national-model value ranges of feedback answers, checked on top of the questionnaire's own rules: the
 * recommendation is 0–10 and a statement 1–5 (its option's ordinalValue, or an integer), whatever a county's
 * questionnaire declares. Pure logic.
 */
final class FeedbackAnswers {
    static final String ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    /** One problem, with its FHIRPath-like location. */
    record Problem(String message, String expression) {
    }

    private FeedbackAnswers() {
    }

    /** The feedback-item code of an item (recommendation, statement, own-statement, open-text), if any. */
    static Optional<String> kindOf(QuestionnaireItemComponent item) {
        return item.getCode().stream().filter(c -> FeedbackSurveys.ITEM_SYSTEM.equals(c.getSystem()))
                .map(Coding::getCode).findFirst();
    }

    static List<Problem> check(Questionnaire questionnaire, QuestionnaireResponse response) {
        Map<String, QuestionnaireItemComponent> definitions = new HashMap<>();
        index(questionnaire.getItem(), definitions);
        List<Problem> problems = new ArrayList<>();
        walk(response.getItem(), "QuestionnaireResponse", definitions, problems);
        return problems;
    }

    /** The number an answer stands for: an integer, or the ordinalValue of the chosen coded option. */
    static Optional<Double> numericValue(QuestionnaireItemComponent definition, Type value) {
        if (value instanceof IntegerType i && i.hasValue()) {
            return Optional.of(i.getValue().doubleValue());
        }
        if (value instanceof DecimalType d && d.hasValue()) {
            return Optional.of(d.getValue().doubleValue());
        }
        if (value instanceof Coding coding) {
            for (Questionnaire.QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
                if (option.getValue() instanceof Coding o && o.getCode() != null && o.getCode().equals(coding.getCode())
                        && java.util.Objects.equals(o.getSystem(), coding.getSystem())) {
                    Extension ordinal = option.getExtensionByUrl(ORDINAL_VALUE);
                    if (ordinal != null && ordinal.getValue() instanceof DecimalType d) {
                        return Optional.of(d.getValue().doubleValue());
                    }
                }
            }
            try {
                return Optional.of(Double.parseDouble(coding.getCode()));
            } catch (NumberFormatException | NullPointerException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static void index(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.put(item.getLinkId(), item);
            index(item.getItem(), into);
        }
    }

    private static void walk(List<QuestionnaireResponseItemComponent> items, String path,
                             Map<String, QuestionnaireItemComponent> definitions, List<Problem> problems) {
        for (int i = 0; i < items.size(); i++) {
            QuestionnaireResponseItemComponent item = items.get(i);
            String here = path + ".item[" + i + "]";
            QuestionnaireItemComponent definition = definitions.get(item.getLinkId());
            if (definition != null) {
                Optional<String> kind = kindOf(definition);
                for (int a = 0; a < item.getAnswer().size(); a++) {
                    Type value = item.getAnswer().get(a).getValue();
                    String at = here + ".answer[" + a + "]";
                    kind.ifPresent(k -> checkRange(k, definition, value, item.getLinkId(), at, problems));
                    walk(item.getAnswer().get(a).getItem(), at, definitions, problems);
                }
            }
            walk(item.getItem(), here, definitions, problems);
        }
    }

    private static void checkRange(String kind, QuestionnaireItemComponent definition, Type value, String linkId,
                                   String at, List<Problem> problems) {
        double low;
        double high;
        switch (kind) {
            case "recommendation" -> {
                low = 0;
                high = 10;
            }
            case "statement", "own-statement" -> {
                low = 1;
                high = 5;
            }
            default -> {
                return;
            }
        }
        Optional<Double> number = numericValue(definition, value);
        if (number.isEmpty() || number.get() < low || number.get() > high || number.get() != Math.rint(number.get())) {
            problems.add(new Problem("The answer to '" + linkId + "' (" + kind + ") must be a whole number from "
                    + (int) low + " to " + (int) high, at));
        }
    }
}
