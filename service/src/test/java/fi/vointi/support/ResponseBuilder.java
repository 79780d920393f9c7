package fi.vointi.support;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds QuestionnaireResponses for a questionnaire in tests: chosen answers, optionally every required one. */
public final class ResponseBuilder {
    private final Questionnaire questionnaire;
    private final Map<String, List<Type>> answers = new LinkedHashMap<>();

    private ResponseBuilder(Questionnaire questionnaire) {
        this.questionnaire = questionnaire;
    }

    public static ResponseBuilder answering(Questionnaire questionnaire) {
        return new ResponseBuilder(questionnaire);
    }

    public ResponseBuilder answer(String linkId, Type... values) {
        answers.put(linkId, List.of(values));
        return this;
    }

    /** The answer option with this code (Coding) or value (integer) of the item. */
    public Type option(String linkId, String codeOrValue) {
        Questionnaire.QuestionnaireItemComponent item = find(questionnaire.getItem(), linkId);
        for (Questionnaire.QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
            Type value = option.getValue();
            if (value instanceof org.hl7.fhir.r4.model.Coding c && codeOrValue.equals(c.getCode())
                    || value instanceof IntegerType i && codeOrValue.equals(i.getValueAsString())
                    || value instanceof StringType s && codeOrValue.equals(s.getValue())) {
                return value.copy();
            }
        }
        throw new IllegalArgumentException("No option " + codeOrValue + " on " + linkId);
    }

    /**
     * Answers every required question without enableWhen that has no answer yet with its first option; a
     * required group none of whose questions is answered or required gets its first question answered.
     */
    public ResponseBuilder answerAllRequired() {
        fillRequired(questionnaire.getItem());
        return this;
    }

    private void fillRequired(List<Questionnaire.QuestionnaireItemComponent> items) {
        for (Questionnaire.QuestionnaireItemComponent item : items) {
            if (item.hasEnableWhen()) {
                continue;
            }
            if (item.getType() == Questionnaire.QuestionnaireItemType.GROUP) {
                fillRequired(item.getItem());
                if (item.getRequired() && item.getItem().stream().noneMatch(child -> answers.containsKey(child.getLinkId()))) {
                    item.getItem().stream()
                            .filter(child -> child.getType() != Questionnaire.QuestionnaireItemType.GROUP
                                    && child.getType() != Questionnaire.QuestionnaireItemType.DISPLAY && !child.hasEnableWhen())
                            .findFirst()
                            .ifPresent(child -> answers.put(child.getLinkId(), List.of(defaultAnswer(child))));
                }
            } else if (item.getRequired() && !answers.containsKey(item.getLinkId())) {
                answers.put(item.getLinkId(), List.of(defaultAnswer(item)));
            }
        }
    }

    private static Type defaultAnswer(Questionnaire.QuestionnaireItemComponent item) {
        if (item.hasAnswerOption()) {
            return item.getAnswerOptionFirstRep().getValue().copy();
        }
        return switch (item.getType()) {
            case BOOLEAN -> new BooleanType(false);
            case INTEGER -> new IntegerType(1);
            case DATETIME -> new DateTimeType("2026-01-01T10:00:00+02:00");
            default -> new StringType("test");
        };
    }

    public QuestionnaireResponse build(String status, String subject) {
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setQuestionnaire(questionnaire.getUrl() + "|" + questionnaire.getVersion());
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.fromCode(status));
        if (subject != null) {
            response.setSubject(new Reference(subject));
        }
        response.setItem(items(questionnaire.getItem()));
        return response;
    }

    private List<QuestionnaireResponseItemComponent> items(List<Questionnaire.QuestionnaireItemComponent> definitions) {
        List<QuestionnaireResponseItemComponent> result = new ArrayList<>();
        for (Questionnaire.QuestionnaireItemComponent definition : definitions) {
            if (definition.getType() == Questionnaire.QuestionnaireItemType.GROUP) {
                List<QuestionnaireResponseItemComponent> children = items(definition.getItem());
                if (!children.isEmpty()) {
                    result.add(new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId()).setItem(children));
                }
            } else if (answers.containsKey(definition.getLinkId())) {
                QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId());
                answers.get(definition.getLinkId()).forEach(v -> item.addAnswer().setValue(v.copy()));
                result.add(item);
            }
        }
        return result;
    }

    private static Questionnaire.QuestionnaireItemComponent find(List<Questionnaire.QuestionnaireItemComponent> items, String linkId) {
        for (Questionnaire.QuestionnaireItemComponent item : items) {
            if (item.getLinkId().equals(linkId)) {
                return item;
            }
            Questionnaire.QuestionnaireItemComponent inner = find(item.getItem(), linkId);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }
}
