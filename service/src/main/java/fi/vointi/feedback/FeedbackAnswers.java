package fi.vointi.feedback;

import fi.vointi.analytics.FeedbackSurvey;
import org.hl7.fhir.r4.model.Coding;
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
 * recommendation is 0–10 and a statement 1–5 (its option's ordinalValue, or an integer) or "can't say" (an option
 * without a value), whatever a county's questionnaire declares. Pure logic.
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

    /**
     * The number an answer stands for: an integer, or the ordinalValue (else numeric code) of the chosen coded option;
     * empty for a "can't say" option. The one reading of {@link FeedbackSurvey#read}, which the reports use too.
     */
    static Optional<Double> numericValue(QuestionnaireItemComponent definition, Type value) {
        return FeedbackSurvey.read(definition, value).filter(r -> !r.cantSay()).map(r -> r.number().doubleValue());
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
        int low;
        int high;
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
        boolean statement = low == 1;
        Optional<FeedbackSurvey.Reading> reading = FeedbackSurvey.read(definition, value);
        if (statement && reading.filter(FeedbackSurvey.Reading::cantSay).isPresent()) {
            return; // "can't say" answers a statement, outside its scale on purpose
        }
        if (reading.flatMap(r -> r.whole(low, high)).isEmpty()) {
            problems.add(new Problem("The answer to '" + linkId + "' (" + kind + ") must be a whole number from "
                    + low + " to " + high + (statement ? " or \"can't say\"" : ""), at));
        }
    }
}
