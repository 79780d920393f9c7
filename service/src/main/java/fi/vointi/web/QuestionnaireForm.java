package fi.vointi.web;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FHIR Questionnaire as an HTML form and back: the items as view models for the templates (with the answers a
 * person already gave and the problems found), the posted fields as QuestionnaireResponse items, and the checks a
 * person can fix on the page, worded in the page language. The service still validates the stored response; these
 * checks only say it earlier and next to the question. Form field of an item: {@code item:<linkId>}.
 */
public final class QuestionnaireForm {
    public static final String FIELD_PREFIX = "item:";

    private QuestionnaireForm() {
    }

    /** One answer option. {@code face}: 1–5 for a drawn face on the child form, 0 for none. */
    public record OptionView(String id, String value, String label, String labelLang, boolean checked, int face) {
    }

    /**
     * One question (or group, or display text). {@code kind}: group, scale (0–10), choice, faces, text, string,
     * number, display.
     */
    public record ItemView(String kind, String linkId, String id, String name, String label, String labelLang, boolean required,
                           @Nullable Integer maxLength, String value, List<OptionView> options, List<ItemView> children,
                           @Nullable String error) {
        public boolean hasError() {
            return error != null;
        }

        /** The id the error summary links to: the first option of a choice, else the field. */
        public String focusId() {
            return options.isEmpty() ? id : options.get(0).id();
        }

        public String describedBy() {
            List<String> ids = new ArrayList<>();
            if (maxLength != null && (kind.equals("text") || kind.equals("string"))) {
                ids.add(id + "-hint");
            }
            if (error != null) {
                ids.add(id + "-error");
            }
            return ids.isEmpty() ? null : String.join(" ", ids);
        }
    }

    /** A problem a person can fix, for the error summary. */
    public record Problem(String focusId, String message) {
    }

    /** What is wrong with one answer: with the question named (error summary) and without (next to the question). */
    public record FieldError(String summary, String inline) {
        public static FieldError of(String lang, String key, String label, Object... args) {
            Object[] withLabel = new Object[args.length + 1];
            withLabel[0] = label;
            System.arraycopy(args, 0, withLabel, 1, args.length);
            return new FieldError(Messages.get(lang, key, withLabel), Messages.get(lang, key + ".inline", args));
        }
    }

    /**
     * The items as views.
     *
     * @param values answers already given (form field name → value)
     * @param errors problem per linkId (the inline text is shown next to the question)
     * @param faces  draw answer options of statements as faces (the child form)
     */
    public static List<ItemView> items(Questionnaire questionnaire, String lang, Map<String, String> values,
                                       Map<String, FieldError> errors, boolean faces) {
        return items(questionnaire.getItem(), lang, values, errors, faces);
    }

    private static List<ItemView> items(List<QuestionnaireItemComponent> definitions, String lang,
                                        Map<String, String> values, Map<String, FieldError> errors, boolean faces) {
        List<ItemView> views = new ArrayList<>();
        for (QuestionnaireItemComponent item : definitions) {
            String label = Languages.text(item.getTextElement(), lang);
            String labelLang = Languages.languageOf(item.getTextElement(), lang);
            String id = htmlId(item.getLinkId());
            String name = FIELD_PREFIX + item.getLinkId();
            String value = values.getOrDefault(name, "");
            Integer maxLength = item.hasMaxLength() ? item.getMaxLength() : null;
            FieldError fieldError = errors.get(item.getLinkId());
            String error = fieldError == null ? null : fieldError.inline();
            switch (item.getType()) {
                case GROUP -> views.add(new ItemView("group", item.getLinkId(), id, name, label, labelLang, false, null, "", List.of(),
                        items(item.getItem(), lang, values, errors, faces), null));
                case CHOICE, OPENCHOICE -> {
                    boolean scale = item.getAnswerOption().size() == 11
                            && item.getAnswerOption().stream().allMatch(o -> o.getValue() instanceof IntegerType);
                    List<OptionView> options = new ArrayList<>();
                    int n = 0;
                    int faceCount = (int) item.getAnswerOption().stream().filter(QuestionnaireForm::hasOrdinal).count();
                    int level = 0;
                    for (QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
                        String optionValue = optionValue(option);
                        int face = 0;
                        if (faces && !scale && hasOrdinal(option)) {
                            face = faceFor(level++, faceCount);
                        }
                        options.add(new OptionView(id + "-" + (n++), optionValue, optionLabel(option, lang),
                                optionLang(option, lang), optionValue.equals(value), face));
                    }
                    String kind = scale ? "scale" : faces && options.stream().anyMatch(o -> o.face() > 0) ? "faces" : "choice";
                    views.add(new ItemView(kind, item.getLinkId(), id, name, label, labelLang, item.getRequired(), null, value, options,
                            List.of(), error));
                }
                case TEXT -> views.add(new ItemView("text", item.getLinkId(), id, name, label, labelLang, item.getRequired(), maxLength,
                        value, List.of(), List.of(), error));
                case STRING -> views.add(new ItemView("string", item.getLinkId(), id, name, label, labelLang, item.getRequired(), maxLength,
                        value, List.of(), List.of(), error));
                case INTEGER, DECIMAL -> views.add(new ItemView("number", item.getLinkId(), id, name, label, labelLang, item.getRequired(),
                        null, value, List.of(), List.of(), error));
                default -> {
                    if (!label.isEmpty()) {
                        views.add(new ItemView("display", item.getLinkId(), id, name, label, labelLang, false, null, "", List.of(),
                                List.of(), null));
                    }
                }
            }
        }
        return views;
    }

    /** Faces 1 (saddest) … 5 (happiest) spread over however many ordered options there are. */
    static int faceFor(int index, int count) {
        if (count <= 1) {
            return 3;
        }
        return 1 + Math.round(index * 4f / (count - 1));
    }

    private static boolean hasOrdinal(QuestionnaireItemAnswerOptionComponent option) {
        return option.getValue() instanceof Coding coding
                ? coding.hasExtension("http://hl7.org/fhir/StructureDefinition/ordinalValue")
                  || option.hasExtension("http://hl7.org/fhir/StructureDefinition/ordinalValue")
                  || isNumeric(coding.getCode())
                : option.getValue() instanceof IntegerType;
    }

    private static boolean isNumeric(String code) {
        return code != null && code.matches("\\d{1,3}");
    }

    /**
     * Problems a person can fix on the page, keyed by linkId, in the page language: a required question left
     * unanswered, a value that is not one of the options, text over the length limit.
     */
    public static Map<String, FieldError> check(Questionnaire questionnaire, Map<String, String> values, String lang) {
        Map<String, FieldError> problems = new LinkedHashMap<>();
        check(questionnaire.getItem(), values, lang, problems);
        return problems;
    }

    private static void check(List<QuestionnaireItemComponent> definitions, Map<String, String> values, String lang,
                              Map<String, FieldError> problems) {
        for (QuestionnaireItemComponent item : definitions) {
            if (item.getType() == QuestionnaireItemType.GROUP) {
                check(item.getItem(), values, lang, problems);
                continue;
            }
            if (item.getType() == QuestionnaireItemType.DISPLAY) {
                continue;
            }
            String value = values.getOrDefault(FIELD_PREFIX + item.getLinkId(), "").strip();
            String label = shortLabel(Languages.text(item.getTextElement(), lang));
            boolean choice = item.getType() == QuestionnaireItemType.CHOICE;
            if (value.isEmpty()) {
                if (item.getRequired()) {
                    problems.put(item.getLinkId(), FieldError.of(lang, choice ? "feedback.error.choose" : "feedback.error.required", label));
                }
                continue;
            }
            if (choice && item.getAnswerOption().stream().noneMatch(o -> optionValue(o).equals(value))) {
                problems.put(item.getLinkId(), FieldError.of(lang, "feedback.error.invalidOption", label));
            } else if (item.hasMaxLength() && value.codePointCount(0, value.length()) > item.getMaxLength()) {
                problems.put(item.getLinkId(), FieldError.of(lang, "feedback.error.tooLong", label, item.getMaxLength(),
                        value.codePointCount(0, value.length())));
            }
        }
    }

    /** The error summary: one link per problem, in the order of the questions. */
    public static List<Problem> problems(List<ItemView> items, Map<String, FieldError> errors) {
        List<Problem> problems = new ArrayList<>();
        for (ItemView item : items) {
            FieldError error = errors.get(item.linkId());
            if (error != null) {
                problems.add(new Problem(item.focusId(), error.summary()));
            }
            problems.addAll(problems(item.children(), errors));
        }
        return problems;
    }

    private static String shortLabel(String text) {
        String firstSentence = text.strip();
        return firstSentence.length() <= 90 ? firstSentence : firstSentence.substring(0, 87).strip() + "…";
    }

    /** The posted answers as response items (groups only where something inside was answered). */
    public static List<QuestionnaireResponseItemComponent> responseItems(Questionnaire questionnaire, Map<String, String> values) {
        return responseItems(questionnaire.getItem(), values);
    }

    private static List<QuestionnaireResponseItemComponent> responseItems(List<QuestionnaireItemComponent> definitions,
                                                                        Map<String, String> values) {
        List<QuestionnaireResponseItemComponent> items = new ArrayList<>();
        for (QuestionnaireItemComponent definition : definitions) {
            if (definition.getType() == QuestionnaireItemType.GROUP) {
                List<QuestionnaireResponseItemComponent> children = responseItems(definition.getItem(), values);
                if (!children.isEmpty()) {
                    items.add(new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId()).setItem(children));
                }
                continue;
            }
            String value = values.get(FIELD_PREFIX + definition.getLinkId());
            if (value == null || value.isBlank()) {
                continue;
            }
            QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId());
            item.addAnswer().setValue(answerValue(definition, value.strip()));
            items.add(item);
        }
        return items;
    }

    private static Type answerValue(QuestionnaireItemComponent definition, String value) {
        for (QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
            if (optionValue(option).equals(value)) {
                return option.getValue() instanceof Coding c ? new Coding(c.getSystem(), c.getCode(), c.getDisplay())
                        : option.getValue().copy();
            }
        }
        switch (definition.getType()) {
            case INTEGER, CHOICE -> {
                try {
                    return new IntegerType(Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    return definition.getType() == QuestionnaireItemType.CHOICE
                            ? new Coding(null, value, null) : new StringType(value);
                }
            }
            case DECIMAL -> {
                try {
                    return new DecimalType(value);
                } catch (NumberFormatException e) {
                    return new StringType(value);
                }
            }
            default -> {
                return new StringType(value);
            }
        }
    }

    /** The form value of an option: an integer, a code, or a string. */
    public static String optionValue(QuestionnaireItemAnswerOptionComponent option) {
        if (option.getValue() instanceof Coding coding) {
            return coding.getCode();
        }
        return option.getValue().primitiveValue();
    }

    private static String optionLabel(QuestionnaireItemAnswerOptionComponent option, String lang) {
        if (option.getValue() instanceof Coding coding) {
            return Languages.text(coding.getDisplayElement(), lang);
        }
        if (option.getValue() instanceof StringType s) {
            return Languages.text(s, lang);
        }
        return option.getValue().primitiveValue();
    }

    private static String optionLang(QuestionnaireItemAnswerOptionComponent option, String lang) {
        if (option.getValue() instanceof Coding coding) {
            return Languages.languageOf(coding.getDisplayElement(), lang);
        }
        if (option.getValue() instanceof StringType s) {
            return Languages.languageOf(s, lang);
        }
        return lang;
    }

    /** An HTML id for a linkId. */
    public static String htmlId(String linkId) {
        return "q-" + linkId.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
