package fi.vointi.responses;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a QuestionnaireResponse's item tree against its (R4) Questionnaire: structure, answer types,
 * answer options, length and range limits, enableWhen and required items.
 * <p>
 * Stateless and thread-safe; each {@link #validate} call works on its own {@code Pass}.
 */
public final class ResponseValidator {

    static final String MIN_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/minValue";
    static final String MAX_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/maxValue";

    private static final String ROOT = "QuestionnaireResponse";

    /** All problems found, in document order of the response. Empty when the response is valid. */
    public List<ResponseIssue> validate(Questionnaire questionnaire, QuestionnaireResponse response) {
        Objects.requireNonNull(questionnaire, "questionnaire");
        Objects.requireNonNull(response, "response");
        return new Pass(questionnaire, response).run();
    }

    /**
     * The nesting a response item sits in, innermost first: the enclosing items and answers.
     * enableWhen looks up answers here so each repeating-group instance is judged on its own answers.
     */
    private record Scope(Base element, Scope outer) {
    }

    /** One validation run; holds the per-call state so the validator itself stays stateless. */
    private static final class Pass {

        private final Questionnaire questionnaire;
        private final QuestionnaireResponse response;
        /** linkId → linkId of the questionnaire item that contains it ("" for top-level items). */
        private final Map<String, String> definedUnder = new HashMap<>();
        private final boolean requiredApplies;
        private final List<ResponseIssue> issues = new ArrayList<>();

        Pass(Questionnaire questionnaire, QuestionnaireResponse response) {
            this.questionnaire = questionnaire;
            this.response = response;
            indexDefinitions(questionnaire.hasItem() ? questionnaire.getItem() : List.of(), "");
            // Required only bites on finished forms; in-progress and stopped ones may be partial.
            QuestionnaireResponseStatus status = response.getStatus();
            this.requiredApplies = status == QuestionnaireResponseStatus.COMPLETED
                    || status == QuestionnaireResponseStatus.AMENDED;
        }

        List<ResponseIssue> run() {
            checkItems(questionnaire.hasItem() ? questionnaire.getItem() : List.of(), response.getItem(), ROOT, null, true);
            return List.copyOf(issues);
        }

        private void indexDefinitions(List<QuestionnaireItemComponent> definitions, String parentLinkId) {
            for (QuestionnaireItemComponent definition : definitions) {
                if (definition.hasLinkId()) {
                    definedUnder.putIfAbsent(definition.getLinkId(), parentLinkId);
                }
                indexDefinitions(children(definition), definition.getLinkId());
            }
        }

        /**
         * Checks the items of one container (the response itself, a group instance or an answer)
         * against the questionnaire items allowed in it, then the required items missing from it.
         */
        private void checkItems(List<QuestionnaireItemComponent> definitions, List<QuestionnaireResponseItemComponent> items,
                                String containerPath, Scope scope, boolean containerEnabled) {
            Map<String, QuestionnaireItemComponent> allowed = new HashMap<>();
            for (QuestionnaireItemComponent definition : definitions) {
                allowed.putIfAbsent(definition.getLinkId(), definition);
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                QuestionnaireResponseItemComponent item = items.get(i);
                String path = containerPath + ".item[" + i + "]";
                if (!item.hasLinkId()) {
                    issues.add(ResponseIssue.error("required", path, "Item at " + path + " has no linkId"));
                    continue;
                }
                String linkId = item.getLinkId();
                QuestionnaireItemComponent definition = allowed.get(linkId);
                if (definition == null) {
                    reportUnexpected(linkId, path);
                    continue;
                }
                if (!seen.add(linkId) && !definition.getRepeats()) {
                    issues.add(ResponseIssue.error("structure", path, "Item '" + linkId
                            + "' occurs more than once at this level but the questionnaire item does not repeat"));
                }
                boolean enabled = containerEnabled && isEnabled(definition, scope);
                checkItem(definition, item, path, scope, enabled, containerEnabled);
            }
            if (requiredApplies && containerEnabled) {
                checkRequiredPresent(definitions, seen, containerPath, scope);
            }
        }

        private void reportUnexpected(String linkId, String path) {
            String parent = definedUnder.get(linkId);
            if (parent == null) {
                issues.add(ResponseIssue.error("not-found", path,
                        "Item '" + linkId + "': linkId is not defined in the questionnaire"));
            } else {
                String where = parent.isEmpty() ? "at the top level" : "under item '" + parent + "'";
                issues.add(ResponseIssue.error("structure", path,
                        "Item '" + linkId + "' is not allowed here; the questionnaire defines it " + where));
            }
        }

        private void checkItem(QuestionnaireItemComponent definition, QuestionnaireResponseItemComponent item, String path,
                               Scope scope, boolean enabled, boolean parentEnabled) {
            String linkId = item.getLinkId();
            // Reported once, at the outermost disabled item, so a disabled group does not repeat it for every child.
            if (!enabled && parentEnabled && containsAnswer(item)) {
                issues.add(ResponseIssue.error("business-rule", path,
                        "Item '" + linkId + "': answered although disabled by enableWhen"));
            }
            Scope itemScope = new Scope(item, scope);
            List<QuestionnaireResponseItemAnswerComponent> answers = item.getAnswer();
            QuestionnaireItemType type = definition.getType();
            if (type == QuestionnaireItemType.GROUP) {
                if (!answers.isEmpty()) {
                    issues.add(ResponseIssue.error("structure", path,
                            "Item '" + linkId + "' is a group and cannot have answers"));
                } else if (item.getItem().isEmpty()) {
                    issues.add(ResponseIssue.error("required", path,
                            "Item '" + linkId + "': group present without child items"));
                }
                checkItems(children(definition), item.getItem(), path, itemScope, enabled);
                return;
            }
            if (type == QuestionnaireItemType.DISPLAY) {
                if (!answers.isEmpty()) {
                    issues.add(ResponseIssue.error("structure", path,
                            "Item '" + linkId + "' is a display item and cannot have answers"));
                }
                if (!item.getItem().isEmpty()) {
                    issues.add(ResponseIssue.error("structure", path,
                            "Item '" + linkId + "' is a display item and cannot have child items"));
                }
                return;
            }
            checkQuestion(definition, item, path, itemScope, enabled);
        }

        private void checkQuestion(QuestionnaireItemComponent definition, QuestionnaireResponseItemComponent item, String path,
                                   Scope itemScope, boolean enabled) {
            String linkId = item.getLinkId();
            List<QuestionnaireResponseItemAnswerComponent> answers = item.getAnswer();
            // In R4 a question's children live under answer.item; they are not validated in the wrong place.
            if (!item.getItem().isEmpty()) {
                if (answers.isEmpty()) {
                    issues.add(ResponseIssue.error("structure", path, "Item '" + linkId
                            + "' is a question; its nested items belong under answer.item, not item"));
                } else {
                    issues.add(ResponseIssue.error("invariant", path, "Item '" + linkId
                            + "' has both answers and nested items; nested items must be under answer.item (qrs-1)"));
                }
            } else if (answers.isEmpty()) {
                // FHIR: unanswered questions are omitted from the response rather than sent empty.
                issues.add(ResponseIssue.error("required", path, "Item '" + linkId + "': item present without answer"));
            }
            if (answers.size() > 1 && !definition.getRepeats()) {
                issues.add(ResponseIssue.error("structure", path, "Item '" + linkId + "' has " + answers.size()
                        + " answers but the question does not repeat"));
            }
            for (int j = 0; j < answers.size(); j++) {
                QuestionnaireResponseItemAnswerComponent answer = answers.get(j);
                String answerPath = path + ".answer[" + j + "]";
                checkAnswer(definition, linkId, answer, answerPath);
                checkItems(children(definition), answer.getItem(), answerPath, new Scope(answer, itemScope), enabled);
            }
        }

        private void checkAnswer(QuestionnaireItemComponent definition, String linkId,
                                 QuestionnaireResponseItemAnswerComponent answer, String path) {
            if (!answer.hasValue()) {
                issues.add(ResponseIssue.error("required", path, "Item '" + linkId + "': answer has no value"));
                return;
            }
            Type value = answer.getValue();
            QuestionnaireItemType type = definition.getType();
            Set<String> expected = expectedValueTypes(definition);
            if (expected.isEmpty()) {
                return; // the questionnaire item has no usable type; nothing to check against
            }
            if (!expected.contains(value.fhirType())) {
                String expects = expected.stream().map(AnswerValues::elementName).collect(Collectors.joining(" or "));
                issues.add(ResponseIssue.error("value", path, "Item '" + linkId + "': answer is "
                        + AnswerValues.elementName(value.fhirType()) + " but the question type is " + type.toCode()
                        + " (expects " + expects + ")"));
                return;
            }
            boolean freeText = type == QuestionnaireItemType.OPENCHOICE && value instanceof StringType;
            if ((type == QuestionnaireItemType.CHOICE || type == QuestionnaireItemType.OPENCHOICE) && !freeText) {
                checkOption(definition, linkId, value, path);
            }
            if (value instanceof StringType || value instanceof UriType) {
                checkMaxLength(definition, linkId, value, path);
            }
            if (type == QuestionnaireItemType.INTEGER || type == QuestionnaireItemType.DECIMAL) {
                checkRange(definition, linkId, value, path);
            }
        }

        private void checkOption(QuestionnaireItemComponent definition, String linkId, Type value, String path) {
            if (definition.hasAnswerOption()) {
                boolean listed = definition.getAnswerOption().stream()
                        .anyMatch(option -> AnswerValues.equal(value, option.getValue()));
                if (!listed) {
                    issues.add(ResponseIssue.error("code-invalid", path, "Item '" + linkId + "': answer "
                            + AnswerValues.describe(value) + " is not one of the question's answer options"));
                }
                return;
            }
            // answerValueSet (or no option list): membership is not checked here, since that needs a
            // terminology service to expand the value set; we only insist the Coding carries a code.
            if (value instanceof Coding coding && !coding.hasCode()) {
                issues.add(ResponseIssue.error("code-invalid", path, "Item '" + linkId + "': coded answer has no code"));
            }
        }

        private void checkMaxLength(QuestionnaireItemComponent definition, String linkId, Type value, String path) {
            String text = ((PrimitiveType<?>) value).getValueAsString();
            if (!definition.hasMaxLength() || text == null) {
                return;
            }
            // Count characters, not UTF-16 units, so an emoji counts once.
            int length = text.codePointCount(0, text.length());
            if (length > definition.getMaxLength()) {
                issues.add(ResponseIssue.error("value", path, "Item '" + linkId + "': answer is " + length
                        + " characters long but maxLength is " + definition.getMaxLength()));
            }
        }

        private void checkRange(QuestionnaireItemComponent definition, String linkId, Type value, String path) {
            Type min = extensionValue(definition, MIN_VALUE_URL);
            if (min != null && AnswerValues.compare(value, min).map(order -> order < 0).orElse(false)) {
                issues.add(ResponseIssue.error("value", path, "Item '" + linkId + "': answer "
                        + AnswerValues.describe(value) + " is below the minimum " + AnswerValues.describe(min)));
            }
            Type max = extensionValue(definition, MAX_VALUE_URL);
            if (max != null && AnswerValues.compare(value, max).map(order -> order > 0).orElse(false)) {
                issues.add(ResponseIssue.error("value", path, "Item '" + linkId + "': answer "
                        + AnswerValues.describe(value) + " is above the maximum " + AnswerValues.describe(max)));
            }
        }

        /** Required items of one container that are enabled there but absent. */
        private void checkRequiredPresent(List<QuestionnaireItemComponent> definitions, Set<String> presentLinkIds,
                                          String containerPath, Scope scope) {
            for (QuestionnaireItemComponent definition : definitions) {
                if (!definition.getRequired() || definition.getType() == QuestionnaireItemType.DISPLAY
                        || presentLinkIds.contains(definition.getLinkId()) || !isEnabled(definition, scope)) {
                    continue;
                }
                // An item that is present but empty was already reported as "present without answer".
                String noun = definition.getType() == QuestionnaireItemType.GROUP ? "group" : "item";
                issues.add(ResponseIssue.error("required", containerPath,
                        "Required " + noun + " '" + definition.getLinkId() + "' is missing"));
            }
        }

        private boolean isEnabled(QuestionnaireItemComponent definition, Scope scope) {
            return EnableWhenRules.isEnabled(definition, question -> answersNearest(question, scope));
        }

        /**
         * Answers of the question with this linkId, from its nearest occurrence: the innermost enclosing
         * item or answer that contains it (the same repeating-group instance), otherwise the whole response.
         * Answers of a disabled question are taken as given; such answers are reported as errors anyway.
         */
        private List<Type> answersNearest(String linkId, Scope scope) {
            List<QuestionnaireResponseItemComponent> found = new ArrayList<>();
            for (Scope current = scope; current != null; current = current.outer()) {
                if (current.element() instanceof QuestionnaireResponseItemComponent item) {
                    collect(item, linkId, found);
                } else {
                    for (QuestionnaireResponseItemComponent child : ((QuestionnaireResponseItemAnswerComponent) current.element()).getItem()) {
                        collect(child, linkId, found);
                    }
                }
                if (!found.isEmpty()) {
                    return answerValues(found);
                }
            }
            for (QuestionnaireResponseItemComponent item : response.getItem()) {
                collect(item, linkId, found);
            }
            return answerValues(found);
        }

        private static void collect(QuestionnaireResponseItemComponent item, String linkId,
                                    List<QuestionnaireResponseItemComponent> found) {
            if (linkId.equals(item.getLinkId())) {
                found.add(item);
            }
            for (QuestionnaireResponseItemComponent child : item.getItem()) {
                collect(child, linkId, found);
            }
            for (QuestionnaireResponseItemAnswerComponent answer : item.getAnswer()) {
                for (QuestionnaireResponseItemComponent child : answer.getItem()) {
                    collect(child, linkId, found);
                }
            }
        }

        private static List<Type> answerValues(List<QuestionnaireResponseItemComponent> items) {
            List<Type> values = new ArrayList<>();
            for (QuestionnaireResponseItemComponent item : items) {
                for (QuestionnaireResponseItemAnswerComponent answer : item.getAnswer()) {
                    if (answer.hasValue()) {
                        values.add(answer.getValue());
                    }
                }
            }
            return values;
        }

        /*
         * Questionnaires are typically cached and shared between requests. HAPI's list getters create
         * missing lists on first call, so the definition is read only through has*() guards: no writes.
         */
        private static List<QuestionnaireItemComponent> children(QuestionnaireItemComponent definition) {
            return definition.hasItem() ? definition.getItem() : List.of();
        }

        /** Value of the first extension with this URL (getExtensionByUrl would throw on duplicates). */
        private static Type extensionValue(QuestionnaireItemComponent definition, String url) {
            if (!definition.hasExtension()) {
                return null;
            }
            return definition.getExtension().stream()
                    .filter(extension -> url.equals(extension.getUrl()))
                    .map(Extension::getValue)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
        }

        private static boolean containsAnswer(QuestionnaireResponseItemComponent item) {
            if (!item.getAnswer().isEmpty()) {
                return true;
            }
            return item.getItem().stream().anyMatch(Pass::containsAnswer);
        }

        /** The answer value[x] types (FHIR type names) an R4 item type accepts. Empty for group, display and untyped items. */
        private static Set<String> expectedValueTypes(QuestionnaireItemComponent definition) {
            QuestionnaireItemType type = definition.getType();
            if (type == null) {
                return Set.of();
            }
            return switch (type) {
                case BOOLEAN -> Set.of("boolean");
                case DECIMAL -> Set.of("decimal");
                case INTEGER -> Set.of("integer");
                case DATE -> Set.of("date");
                case DATETIME -> Set.of("dateTime");
                case TIME -> Set.of("time");
                case STRING, TEXT -> Set.of("string");
                case URL -> Set.of("uri");
                case ATTACHMENT -> Set.of("Attachment");
                case REFERENCE -> Set.of("Reference");
                case QUANTITY -> Set.of("Quantity");
                case CHOICE -> optionValueTypes(definition);
                case OPENCHOICE -> {
                    Set<String> types = optionValueTypes(definition);
                    types.add("string");
                    yield types;
                }
                default -> Set.of();
            };
        }

        /** The kinds used by the answerOptions; Coding when there are none (answerValueSet or no list). */
        private static Set<String> optionValueTypes(QuestionnaireItemComponent definition) {
            Set<String> types = new LinkedHashSet<>();
            List<QuestionnaireItemAnswerOptionComponent> options = definition.hasAnswerOption() ? definition.getAnswerOption() : List.of();
            for (QuestionnaireItemAnswerOptionComponent option : options) {
                if (option.hasValue()) {
                    types.add(option.getValue().fhirType());
                }
            }
            if (types.isEmpty()) {
                types.add("Coding");
            }
            return types;
        }
    }
}
