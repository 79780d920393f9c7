package fi.vointi.web;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A FHIR Questionnaire as an HTML form and back: the items as view models for the templates (with the answers a
 * person already gave and the problems found), the posted fields as QuestionnaireResponse items, and the checks a
 * person can fix on the page, worded in the page language. The service still validates the stored response; these
 * checks only say it earlier and next to the question.
 *
 * <p>Form fields: {@code item:<linkId>} (several values for check boxes), {@code other:<linkId>} the free text of an
 * open choice whose radio value is {@value #OTHER}. Answers are kept as field name → values; the single-valued
 * overloads serve the feedback form.
 */
public final class QuestionnaireForm {
    public static final String FIELD_PREFIX = "item:";
    public static final String OTHER_PREFIX = "other:";
    /** The radio value of an open choice's "something else" option. */
    public static final String OTHER = "_other";
    static final String ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
    static final String MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue";
    static final String MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue";

    private QuestionnaireForm() {
    }

    /** One answer option. {@code face}: 1–5 for a drawn face on the child form, 0 for none. */
    public record OptionView(String id, String value, String label, String labelLang, boolean checked, int face) {
    }

    /**
     * One question (or group, or display text). {@code kind}: group, scale (0–10), choice, faces, checkboxes,
     * dropdown, openchoice, boolean, text, string, number (integer or decimal), date, display.
     *
     * @param prefix     the item's prefix ("1.", "a)"), or empty
     * @param hint       what a valid answer looks like (range of a number, date format), or null
     * @param otherValue the free text of an open choice
     */
    public record ItemView(String kind, String linkId, String id, String name, String label, String labelLang, boolean required,
                           @Nullable Integer maxLength, String value, List<OptionView> options, List<ItemView> children,
                           @Nullable String error, String prefix, @Nullable String hint, String otherValue) {
        public boolean hasError() {
            return error != null;
        }

        /** The id the error summary links to: the first option of a choice, else the field. */
        public String focusId() {
            return options.isEmpty() ? id : options.get(0).id();
        }

        public String otherName() {
            return OTHER_PREFIX + linkId;
        }

        public String describedBy() {
            List<String> ids = new ArrayList<>();
            if (maxLength != null && (kind.equals("text") || kind.equals("string")) || hint != null) {
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

    /** Single-valued fields (the feedback form) as answers. */
    public static Map<String, List<String>> multi(Map<String, String> values) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        values.forEach((name, value) -> all.put(name, List.of(value)));
        return all;
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
        return items(questionnaire.getItem(), lang, multi(values), errors, faces, item -> true);
    }

    /** The items among {@code definitions} that {@code shown} accepts (enabled ones), as views. */
    public static List<ItemView> items(List<QuestionnaireItemComponent> definitions, String lang,
                                       Map<String, List<String>> values, Map<String, FieldError> errors, boolean faces,
                                       Predicate<QuestionnaireItemComponent> shown) {
        List<ItemView> views = new ArrayList<>();
        for (QuestionnaireItemComponent item : definitions) {
            if (!shown.test(item)) {
                continue;
            }
            String label = Languages.text(item.getTextElement(), lang);
            String labelLang = Languages.languageOf(item.getTextElement(), lang);
            String prefix = Languages.text(item.getPrefixElement(), lang);
            String id = htmlId(item.getLinkId());
            String name = FIELD_PREFIX + item.getLinkId();
            List<String> given = values.getOrDefault(name, List.of());
            String value = given.isEmpty() ? "" : given.get(0);
            String other = first(values, OTHER_PREFIX + item.getLinkId());
            Integer maxLength = item.hasMaxLength() ? item.getMaxLength() : null;
            FieldError fieldError = errors.get(item.getLinkId());
            String error = fieldError == null ? null : fieldError.inline();
            boolean required = item.getRequired();
            switch (item.getType()) {
                case GROUP -> views.add(new ItemView("group", item.getLinkId(), id, name, label, labelLang, false, null, "", List.of(),
                        items(item.getItem(), lang, values, errors, faces, shown), null, prefix, null, ""));
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
                                optionLang(option, lang), given.contains(optionValue), face));
                    }
                    String kind;
                    if (item.getType() == QuestionnaireItemType.OPENCHOICE) {
                        kind = "openchoice";
                        options.add(new OptionView(id + "-" + n, OTHER, Messages.get(lang, "app.answer.other"), lang,
                                given.contains(OTHER), 0));
                    } else if (item.getRepeats()) {
                        kind = "checkboxes";
                    } else if ("drop-down".equals(itemControl(item))) {
                        kind = "dropdown";
                    } else {
                        kind = scale ? "scale" : faces && options.stream().anyMatch(o -> o.face() > 0) ? "faces" : "choice";
                    }
                    views.add(new ItemView(kind, item.getLinkId(), id, name, label, labelLang, required, null, value, options,
                            List.of(), error, prefix, null, other));
                }
                case BOOLEAN -> views.add(new ItemView("boolean", item.getLinkId(), id, name, label, labelLang, required, null,
                        value, List.of(new OptionView(id + "-0", "true", Messages.get(lang, "app.answer.yes"), lang, "true".equals(value), 0),
                        new OptionView(id + "-1", "false", Messages.get(lang, "app.answer.no"), lang, "false".equals(value), 0)),
                        List.of(), error, prefix, null, ""));
                case TEXT -> views.add(new ItemView("text", item.getLinkId(), id, name, label, labelLang, required, maxLength,
                        value, List.of(), List.of(), error, prefix, null, ""));
                case STRING -> views.add(new ItemView("string", item.getLinkId(), id, name, label, labelLang, required, maxLength,
                        value, List.of(), List.of(), error, prefix, null, ""));
                case INTEGER, DECIMAL -> views.add(new ItemView("number", item.getLinkId(), id, name, label, labelLang, required,
                        null, value, List.of(), List.of(), error, prefix, rangeHint(item, lang), ""));
                case DATE -> views.add(new ItemView("date", item.getLinkId(), id, name, label, labelLang, required,
                        null, value, List.of(), List.of(), error, prefix, Messages.get(lang, "app.answer.dateHint"), ""));
                default -> {
                    if (!label.isEmpty()) {
                        views.add(new ItemView("display", item.getLinkId(), id, name, label, labelLang, false, null, "", List.of(),
                                List.of(), null, prefix, null, ""));
                    }
                }
            }
        }
        return views;
    }

    @Nullable
    private static String rangeHint(QuestionnaireItemComponent item, String lang) {
        String min = bound(item, MIN_VALUE);
        String max = bound(item, MAX_VALUE);
        if (min != null && max != null) {
            return Messages.get(lang, "app.answer.between", min, max);
        }
        if (min != null) {
            return Messages.get(lang, "app.answer.atLeast", min);
        }
        return max == null ? null : Messages.get(lang, "app.answer.atMost", max);
    }

    @Nullable
    private static String bound(QuestionnaireItemComponent item, String url) {
        Extension extension = item.getExtensionByUrl(url);
        return extension != null && extension.getValue() instanceof PrimitiveType<?> p ? p.getValueAsString() : null;
    }

    /** The SDC itemControl code of an item (page, drop-down, …), or null. */
    @Nullable
    public static String itemControl(QuestionnaireItemComponent item) {
        Extension extension = item.getExtensionByUrl(ITEM_CONTROL);
        if (extension != null && extension.getValue() instanceof CodeableConcept concept) {
            return concept.getCoding().stream().map(Coding::getCode).filter(c -> c != null).findFirst().orElse(null);
        }
        return null;
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
        check(questionnaire.getItem(), multi(values), lang, item -> true, true, problems);
        return problems;
    }

    /**
     * The same for the items {@code shown} accepts, with every answer type: numbers and their range, dates, yes/no.
     *
     * @param requireAnswers whether required questions must be answered (not when a person only goes back a page)
     */
    public static void check(List<QuestionnaireItemComponent> definitions, Map<String, List<String>> values, String lang,
                             Predicate<QuestionnaireItemComponent> shown, boolean requireAnswers,
                             Map<String, FieldError> problems) {
        for (QuestionnaireItemComponent item : definitions) {
            if (!shown.test(item)) {
                continue;
            }
            if (item.getType() == QuestionnaireItemType.GROUP) {
                check(item.getItem(), values, lang, shown, requireAnswers, problems);
                if (item.getRequired() && requireAnswers) {
                    // a required group needs at least one answer inside it (FHIR); said at its first question
                    List<QuestionnaireItemComponent> questions = new ArrayList<>();
                    shownQuestions(item.getItem(), shown, questions);
                    boolean answered = questions.stream().anyMatch(q -> !answers(q, values).isEmpty());
                    if (!answered && !questions.isEmpty() && questions.stream().noneMatch(q -> problems.containsKey(q.getLinkId()))) {
                        problems.put(questions.get(0).getLinkId(), FieldError.of(lang, "app.answer.error.group",
                                shortLabel(Languages.text(item.getTextElement(), lang))));
                    }
                }
                continue;
            }
            if (item.getType() == QuestionnaireItemType.DISPLAY) {
                continue;
            }
            List<String> given = values.getOrDefault(FIELD_PREFIX + item.getLinkId(), List.of()).stream()
                    .map(String::strip).filter(v -> !v.isEmpty()).toList();
            String label = shortLabel(Languages.text(item.getTextElement(), lang));
            boolean choice = item.getType() == QuestionnaireItemType.CHOICE || item.getType() == QuestionnaireItemType.OPENCHOICE
                    || item.getType() == QuestionnaireItemType.BOOLEAN;
            if (given.isEmpty()) {
                if (item.getRequired() && requireAnswers) {
                    problems.put(item.getLinkId(), FieldError.of(lang, choice ? "feedback.error.choose" : "feedback.error.required", label));
                }
                continue;
            }
            FieldError error = problem(item, given, first(values, OTHER_PREFIX + item.getLinkId()).strip(), label, lang,
                    requireAnswers);
            if (error != null) {
                problems.put(item.getLinkId(), error);
            }
        }
    }

    private static void shownQuestions(List<QuestionnaireItemComponent> items, Predicate<QuestionnaireItemComponent> shown,
                                       List<QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            if (!shown.test(item)) {
                continue;
            }
            if (item.getType() == QuestionnaireItemType.GROUP) {
                shownQuestions(item.getItem(), shown, into);
            } else if (item.getType() != QuestionnaireItemType.DISPLAY) {
                into.add(item);
            }
        }
    }

    @Nullable
    private static FieldError problem(QuestionnaireItemComponent item, List<String> given, String other, String label,
                                      String lang, boolean requireAnswers) {
        if (given.size() > 1 && !item.getRepeats()) {
            return FieldError.of(lang, "feedback.error.invalidOption", label);
        }
        String value = given.get(0);
        switch (item.getType()) {
            case CHOICE, OPENCHOICE -> {
                for (String v : given) {
                    boolean open = item.getType() == QuestionnaireItemType.OPENCHOICE && OTHER.equals(v);
                    if (!open && item.getAnswerOption().stream().noneMatch(o -> optionValue(o).equals(v))) {
                        return FieldError.of(lang, "feedback.error.invalidOption", label);
                    }
                    if (open && other.isEmpty() && requireAnswers) {
                        return FieldError.of(lang, "app.answer.error.other", label);
                    }
                }
                return tooLong(item, other, label, lang);
            }
            case BOOLEAN -> {
                return value.equals("true") || value.equals("false") ? null : FieldError.of(lang, "feedback.error.invalidOption", label);
            }
            case INTEGER -> {
                if (!value.matches("[-+]?\\d{1,9}")) {
                    return FieldError.of(lang, "app.answer.error.integer", label);
                }
                return outOfRange(item, new BigDecimal(value), label, lang);
            }
            case DECIMAL -> {
                BigDecimal number = decimal(value);
                return number == null ? FieldError.of(lang, "app.answer.error.decimal", label) : outOfRange(item, number, label, lang);
            }
            case DATE -> {
                LocalDate date = date(value);
                if (date == null) {
                    return FieldError.of(lang, "app.answer.error.date", label);
                }
                String min = bound(item, MIN_VALUE);
                String max = bound(item, MAX_VALUE);
                if (min != null && date(min) != null && date.isBefore(date(min)) || max != null && date(max) != null && date.isAfter(date(max))) {
                    return FieldError.of(lang, "app.answer.error.dateRange", label, min == null ? "" : min, max == null ? "" : max);
                }
                return null;
            }
            default -> {
                return tooLong(item, value, label, lang);
            }
        }
    }

    @Nullable
    private static FieldError tooLong(QuestionnaireItemComponent item, String value, String label, String lang) {
        if (item.hasMaxLength() && value.codePointCount(0, value.length()) > item.getMaxLength()) {
            return FieldError.of(lang, "feedback.error.tooLong", label, item.getMaxLength(), value.codePointCount(0, value.length()));
        }
        return null;
    }

    @Nullable
    private static FieldError outOfRange(QuestionnaireItemComponent item, BigDecimal number, String label, String lang) {
        String min = bound(item, MIN_VALUE);
        String max = bound(item, MAX_VALUE);
        boolean low = min != null && decimal(min) != null && number.compareTo(decimal(min)) < 0;
        boolean high = max != null && decimal(max) != null && number.compareTo(decimal(max)) > 0;
        if (low || high) {
            String hint = rangeHint(item, lang);
            return FieldError.of(lang, "app.answer.error.range", label, hint == null ? "" : hint);
        }
        return null;
    }

    /** A decimal as people type it: a comma or a point, at most 40 digits (the JSON limit). */
    @Nullable
    static BigDecimal decimal(String value) {
        String normal = value.strip().replace(',', '.').replace('\u2212', '-');
        if (!normal.matches("[-+]?\\d{1,20}(\\.\\d{1,20})?")) {
            return null;
        }
        return new BigDecimal(normal);
    }

    @Nullable
    private static LocalDate date(String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            return null;
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
        return responseItems(questionnaire.getItem(), multi(values), item -> true);
    }

    /** The answers of the items {@code enabled} accepts as response items; answers of the others are dropped. */
    public static List<QuestionnaireResponseItemComponent> responseItems(List<QuestionnaireItemComponent> definitions,
                                                                        Map<String, List<String>> values,
                                                                        Predicate<QuestionnaireItemComponent> enabled) {
        List<QuestionnaireResponseItemComponent> items = new ArrayList<>();
        for (QuestionnaireItemComponent definition : definitions) {
            if (!enabled.test(definition)) {
                continue;
            }
            if (definition.getType() == QuestionnaireItemType.GROUP) {
                List<QuestionnaireResponseItemComponent> children = responseItems(definition.getItem(), values, enabled);
                if (!children.isEmpty()) {
                    items.add(new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId()).setItem(children));
                }
                continue;
            }
            List<Type> answers = answers(definition, values);
            if (answers.isEmpty()) {
                continue;
            }
            QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId());
            answers.forEach(answer -> item.addAnswer().setValue(answer));
            items.add(item);
        }
        return items;
    }

    /** The answer values of one question from the form fields (nothing for an empty answer). */
    public static List<Type> answers(QuestionnaireItemComponent definition, Map<String, List<String>> values) {
        List<Type> answers = new ArrayList<>();
        for (String raw : values.getOrDefault(FIELD_PREFIX + definition.getLinkId(), List.of())) {
            String value = raw.strip();
            if (value.isEmpty()) {
                continue;
            }
            if (OTHER.equals(value) && definition.getType() == QuestionnaireItemType.OPENCHOICE) {
                String other = first(values, OTHER_PREFIX + definition.getLinkId()).strip();
                if (!other.isEmpty()) {
                    answers.add(new StringType(other));
                }
                continue;
            }
            answers.add(answerValue(definition, value));
        }
        return answers;
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
                BigDecimal number = decimal(value);
                return number == null ? new StringType(value) : new DecimalType(number);
            }
            case BOOLEAN -> {
                return value.equals("true") || value.equals("false") ? new BooleanType(value) : new StringType(value);
            }
            case DATE -> {
                return date(value) == null ? new StringType(value) : new DateType(value);
            }
            default -> {
                return new StringType(value);
            }
        }
    }

    /** The form fields of a stored response's answers (the reverse of {@link #responseItems}), to show or resume. */
    public static Map<String, List<String>> values(Questionnaire questionnaire, QuestionnaireResponse response) {
        Map<String, QuestionnaireItemComponent> definitions = new LinkedHashMap<>();
        collect(questionnaire.getItem(), definitions);
        Map<String, List<String>> values = new LinkedHashMap<>();
        collectAnswers(response.getItem(), definitions, values);
        return values;
    }

    private static void collect(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.put(item.getLinkId(), item);
            collect(item.getItem(), into);
        }
    }

    private static void collectAnswers(List<QuestionnaireResponseItemComponent> items,
                                       Map<String, QuestionnaireItemComponent> definitions, Map<String, List<String>> values) {
        for (QuestionnaireResponseItemComponent item : items) {
            QuestionnaireItemComponent definition = definitions.get(item.getLinkId());
            for (QuestionnaireResponseItemAnswerComponent answer : item.getAnswer()) {
                Type value = answer.getValue();
                String field;
                if (value instanceof Coding coding) {
                    field = coding.getCode();
                } else if (value instanceof StringType s && definition != null && definition.getType() == QuestionnaireItemType.OPENCHOICE
                           && definition.getAnswerOption().stream().noneMatch(o -> s.getValue().equals(optionValue(o)))) {
                    field = OTHER;
                    values.put(OTHER_PREFIX + item.getLinkId(), List.of(s.getValue()));
                } else if (value instanceof DecimalType d) {
                    field = d.getValue().toPlainString();
                } else if (value != null) {
                    field = value.primitiveValue();
                } else {
                    field = null;
                }
                if (field != null) {
                    values.computeIfAbsent(FIELD_PREFIX + item.getLinkId(), k -> new ArrayList<>()).add(field);
                }
                collectAnswers(answer.getItem(), definitions, values);
            }
            collectAnswers(item.getItem(), definitions, values);
        }
    }

    /** How an answer reads on the review page: the option's label in the page language, yes/no, the value itself. */
    public static List<String> answerLabels(QuestionnaireItemComponent definition, Map<String, List<String>> values, String lang) {
        List<String> labels = new ArrayList<>();
        for (String value : values.getOrDefault(FIELD_PREFIX + definition.getLinkId(), List.of())) {
            if (value.isBlank()) {
                continue;
            }
            if (OTHER.equals(value)) {
                labels.add(first(values, OTHER_PREFIX + definition.getLinkId()));
                continue;
            }
            if (definition.getType() == QuestionnaireItemType.BOOLEAN) {
                labels.add(Messages.get(lang, "true".equals(value) ? "app.answer.yes" : "app.answer.no"));
                continue;
            }
            String label = value;
            for (QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
                if (optionValue(option).equals(value)) {
                    label = optionLabel(option, lang);
                }
            }
            labels.add(label);
        }
        return labels;
    }

    private static String first(Map<String, List<String>> values, String name) {
        List<String> list = values.getOrDefault(name, List.of());
        return list.isEmpty() ? "" : list.get(0);
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
