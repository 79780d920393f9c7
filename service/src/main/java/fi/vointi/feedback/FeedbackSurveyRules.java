package fi.vointi.feedback;

import fi.vointi.analytics.FeedbackSurvey;
import fi.vointi.responses.AnonymousAnswering;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a feedback-survey questionnaire must be for reports to work (docs/feedback.md): anonymous, a known audience,
 * exactly one recommendation item (choice of the integers 0–10, or an integer item), statements as choice or integer
 * items whose options are the points 1–5 and at most one "can't say" option, known feedback-item codes. Pure logic; {@link FeedbackSurveyCheck} applies it at start-up.
 */
final class FeedbackSurveyRules {
    static final Set<String> ITEM_KINDS = Set.of("recommendation", "statement", "own-statement", "open-text");

    private FeedbackSurveyRules() {
    }

    static List<String> problems(Questionnaire questionnaire) {
        List<String> problems = new ArrayList<>();
        String audience = FeedbackSurveys.audienceOf(questionnaire).orElse(null);
        if (audience == null) {
            return problems;
        }
        if (!FeedbackSurveys.AUDIENCES.contains(audience)) {
            problems.add("feedback-survey audience '" + audience + "' is not one of " + FeedbackSurveys.AUDIENCES);
        }
        if (!AnonymousAnswering.isAnonymous(questionnaire)) {
            problems.add("a feedback survey must also carry anonymous-answering = true");
        }
        List<QuestionnaireItemComponent> items = new ArrayList<>();
        collect(questionnaire.getItem(), items);
        int recommendations = 0;
        for (QuestionnaireItemComponent item : items) {
            String kind = FeedbackAnswers.kindOf(item).orElse(null);
            if (kind == null) {
                continue;
            }
            if (!ITEM_KINDS.contains(kind)) {
                problems.add("item '" + item.getLinkId() + "': unknown feedback-item code '" + kind + "'");
                continue;
            }
            switch (kind) {
                case "recommendation" -> {
                    recommendations++;
                    boolean integers = item.getType() == QuestionnaireItemType.INTEGER
                            || (item.getType() == QuestionnaireItemType.CHOICE && item.getAnswerOption().stream()
                            .allMatch(o -> o.getValue() instanceof IntegerType i && i.getValue() >= 0 && i.getValue() <= 10));
                    if (!integers) {
                        problems.add("item '" + item.getLinkId() + "': the recommendation is a choice of the integers 0–10 or an integer item");
                    }
                }
                case "statement", "own-statement" -> {
                    if (item.getType() != QuestionnaireItemType.CHOICE && item.getType() != QuestionnaireItemType.INTEGER) {
                        problems.add("item '" + item.getLinkId() + "': a statement is a choice (1–5 by ordinalValue) or an integer item");
                    } else {
                        statementOptions(item, problems);
                    }
                }
                default -> {
                    if (item.getType() != QuestionnaireItemType.TEXT && item.getType() != QuestionnaireItemType.STRING) {
                        problems.add("item '" + item.getLinkId() + "': open-text is a text or string item");
                    }
                }
            }
        }
        if (recommendations != 1) {
            problems.add("a feedback survey has exactly one recommendation item, not " + recommendations);
        }
        return problems;
    }

    /**
     * Each option of a statement is a point of the scale (a whole number 1–5: its ordinalValue, integer or numeric
     * code) or the "can't say" answer (a Coding with neither), which counts in no mean; at most one of those.
     */
    private static void statementOptions(QuestionnaireItemComponent item, List<String> problems) {
        int cantSay = 0;
        for (Questionnaire.QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
            Optional<FeedbackSurvey.Reading> reading = FeedbackSurvey.read(item, option.getValue());
            if (reading.filter(FeedbackSurvey.Reading::cantSay).isPresent()) {
                cantSay++;
            } else if (reading.flatMap(r -> r.whole(1, 5)).isEmpty()) {
                problems.add("item '" + item.getLinkId() + "': the statement option " + describe(option.getValue())
                        + " is neither a whole number 1–5 (ordinalValue, integer or numeric code) nor \"can't say\""
                        + " (a Coding without a value)");
            }
        }
        if (cantSay > 1) {
            problems.add("item '" + item.getLinkId() + "': a statement has at most one \"can't say\" option (a Coding"
                    + " without ordinalValue), not " + cantSay);
        }
    }

    private static String describe(Type value) {
        if (value instanceof Coding coding) {
            return "'" + (coding.hasSystem() ? coding.getSystem() + "|" : "") + coding.getCode() + "'";
        }
        return value == null ? "(empty)" : "'" + value.primitiveValue() + "'";
    }

    private static void collect(List<QuestionnaireItemComponent> items, List<QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.add(item);
            collect(item.getItem(), into);
        }
    }
}
