package fi.vointi.scoring;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.cat.CatDesign;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Type;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code scoring-rule} extensions of a Questionnaire into {@link ScoringRule}s, and turns a
 * QuestionnaireResponse into {@link Answers}. The only scoring class that knows FHIR.
 */
public final class ScoringRules {
    public static final String SCORING_RULE = "https://vointi.fi/fhir/StructureDefinition/scoring-rule";
    public static final String ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    /** The parts of the scoring-rule extension. */
    static final List<String> PARTS = List.of("code", "display", "method", "item", "reverse", "minAnswered", "unit",
            "lookup", "band");
    static final List<String> LOOKUP_PARTS = List.of("raw", "value", "standardError");
    static final List<String> BAND_PARTS = List.of("code", "display", "low", "high");

    private ScoringRules() {
    }

    /** Whether the questionnaire declares any scores. */
    public static boolean hasRules(Questionnaire q) {
        return q != null && q.hasExtension(SCORING_RULE);
    }

    /**
     * The questionnaire's scores, in the order of its extensions (empty when it declares none).
     *
     * @throws IllegalArgumentException naming the score and the reason when a rule is unusable
     */
    public static List<ScoringRule> read(Questionnaire q) {
        if (q == null) {
            throw new IllegalArgumentException("no questionnaire given");
        }
        Map<String, QuestionnaireItemComponent> definitions = new LinkedHashMap<>();
        collect(q.getItem(), definitions);
        AdaptiveBank bank = null;
        List<ScoringRule> rules = new ArrayList<>();
        int position = 0;
        for (Extension extension : q.getExtensionsByUrl(SCORING_RULE)) {
            position++;
            RawRule raw = parse(extension, position);
            if (raw.method == ScoringMethod.IRT_SUM && bank == null) {
                try {
                    bank = AdaptiveBank.read(q);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("score '" + raw.code + "': an irt-sum score needs an item bank: "
                            + e.getMessage(), e);
                }
            }
            rules.add(build(raw, definitions, bank));
        }
        return ScoringRule.checkUnique(rules);
    }

    /**
     * The item values of a response's answers to the items the rules score.
     *
     * @throws IllegalArgumentException for an answer that is not one of the item's options, or an item
     *                                  answered more than once
     */
    public static Answers answers(Questionnaire q, List<ScoringRule> rules, QuestionnaireResponse response) {
        return answers(optionValues(q, rules), response);
    }

    /** The value of each answer option of the items the rules score, by item linkId: the same for every response. */
    public record OptionValues(Map<String, Map<String, BigDecimal>> byLinkId) {
        public OptionValues {
            byLinkId = Map.copyOf(byLinkId);
        }
    }

    /**
     * The option values of the items {@code rules} score, to read many responses to the same questionnaire version with
     * {@link #answers(OptionValues, QuestionnaireResponse)}.
     *
     * @throws IllegalArgumentException for a scored item that is not in the questionnaire, or an option without a value
     */
    public static OptionValues optionValues(Questionnaire q, List<ScoringRule> rules) {
        Map<String, QuestionnaireItemComponent> definitions = new HashMap<>();
        collect(q.getItem(), definitions);
        Set<String> scored = new LinkedHashSet<>();
        rules.forEach(rule -> scored.addAll(rule.linkIds()));
        Map<String, Map<String, BigDecimal>> options = new HashMap<>();
        for (String linkId : scored) {
            QuestionnaireItemComponent item = definitions.get(linkId);
            if (item == null) {
                throw new IllegalArgumentException("item '" + linkId + "' is not in the questionnaire");
            }
            Map<String, BigDecimal> values = new HashMap<>();
            for (QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
                values.put(key(option.getValue()), optionValue(option, "item '" + linkId + "'"));
            }
            options.put(linkId, Map.copyOf(values));
        }
        return new OptionValues(options);
    }

    /**
     * The item values of a response's answers, with the option values of its questionnaire version.
     *
     * @throws IllegalArgumentException for an answer that is not one of the item's options, or an item
     *                                  answered more than once
     */
    public static Answers answers(OptionValues options, QuestionnaireResponse response) {
        Map<String, BigDecimal> values = new HashMap<>();
        collectAnswers(response.getItem(), options.byLinkId(), values);
        return new Answers(values);
    }

    // ------------------------------------------------------------------ parsing

    private static final class RawRule {
        String code;
        String display;
        ScoringMethod method;
        final List<String> items = new ArrayList<>();
        final List<String> reverse = new ArrayList<>();
        Integer minAnswered;
        String unit;
        final List<LookupRow> lookup = new ArrayList<>();
        final List<Band> bands = new ArrayList<>();
    }

    private static RawRule parse(Extension extension, int position) {
        String where = "scoring-rule " + position;
        if (extension.hasValue()) {
            throw new IllegalArgumentException(where + " has a value; it has only parts (" + String.join(", ", PARTS) + ")");
        }
        RawRule rule = new RawRule();
        for (Extension part : extension.getExtension()) {
            if ("code".equals(part.getUrl())) {
                rule.code = once(rule.code, string(part, where + " code"), where + " code");
                where = "score '" + rule.code + "'";
            }
        }
        if (rule.code == null) {
            throw new IllegalArgumentException(where + " has no code");
        }
        for (Extension part : extension.getExtension()) {
            String name = part.getUrl();
            if (!PARTS.contains(name)) {
                throw new IllegalArgumentException(where + " has an unknown part '" + name + "' (known: "
                        + String.join(", ", PARTS) + ")");
            }
            String what = where + " " + name;
            switch (name) {
                case "code" -> {
                }
                case "display" -> rule.display = once(rule.display, string(part, what), what);
                case "method" -> {
                    if (rule.method != null) {
                        throw new IllegalArgumentException(what + " is given twice");
                    }
                    try {
                        rule.method = ScoringMethod.fromCode(string(part, what));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                    }
                }
                case "item" -> rule.items.add(string(part, what));
                case "reverse" -> {
                    String linkId = string(part, what);
                    if (rule.reverse.contains(linkId)) {
                        throw new IllegalArgumentException(where + " reverses item '" + linkId + "' twice");
                    }
                    rule.reverse.add(linkId);
                }
                case "minAnswered" -> {
                    if (rule.minAnswered != null) {
                        throw new IllegalArgumentException(what + " is given twice");
                    }
                    if (!(part.getValue() instanceof IntegerType integer) || integer.getValue() == null) {
                        throw new IllegalArgumentException(what + " must be a valueInteger");
                    }
                    rule.minAnswered = integer.getValue();
                }
                case "unit" -> rule.unit = once(rule.unit, string(part, what), what);
                case "lookup" -> rule.lookup.add(lookupRow(part, where + " lookup row " + (rule.lookup.size() + 1)));
                default -> rule.bands.add(band(part, where + " band " + (rule.bands.size() + 1)));
            }
        }
        if (rule.method == null) {
            throw new IllegalArgumentException(where + " has no method (sum, mean or irt-sum)");
        }
        return rule;
    }

    private static LookupRow lookupRow(Extension row, String where) {
        Map<String, BigDecimal> parts = decimalParts(row, LOOKUP_PARTS, where);
        BigDecimal raw = parts.get("raw");
        if (raw == null || parts.get("value") == null) {
            throw new IllegalArgumentException(where + " needs raw and value");
        }
        int rawSum;
        try {
            rawSum = raw.stripTrailingZeros().intValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + ": raw " + raw.toPlainString() + " is not a whole number");
        }
        try {
            return new LookupRow(rawSum, parts.get("value"), parts.get("standardError"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Band band(Extension band, String where) {
        if (band.hasValue()) {
            throw new IllegalArgumentException(where + " has a value; it has only parts (code, display, low, high)");
        }
        String code = null;
        String display = null;
        List<Extension> decimals = new ArrayList<>();
        for (Extension part : band.getExtension()) {
            switch (part.getUrl()) {
                case "code" -> code = once(code, string(part, where + " code"), where + " code");
                case "display" -> display = once(display, string(part, where + " display"), where + " display");
                default -> decimals.add(part);
            }
        }
        Extension numbers = new Extension();
        numbers.setExtension(decimals);
        Map<String, BigDecimal> parts = decimalParts(numbers, BAND_PARTS, where);
        if (code == null || parts.get("low") == null || parts.get("high") == null) {
            throw new IllegalArgumentException(where + " needs code, low and high");
        }
        try {
            return new Band(code, display == null ? code : display, parts.get("low"), parts.get("high"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, BigDecimal> decimalParts(Extension extension, List<String> known, String where) {
        if (extension.hasValue()) {
            throw new IllegalArgumentException(where + " has a value; it has only parts (" + String.join(", ", known) + ")");
        }
        Map<String, BigDecimal> parts = new HashMap<>();
        for (Extension part : extension.getExtension()) {
            String name = part.getUrl();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(where + " has an unknown part '" + name + "' (known: "
                        + String.join(", ", known) + ")");
            }
            if (!(part.getValue() instanceof DecimalType decimal) || decimal.getValue() == null) {
                throw new IllegalArgumentException(where + " " + name + " must be a valueDecimal");
            }
            if (parts.put(name, decimal.getValue()) != null) {
                throw new IllegalArgumentException(where + " gives " + name + " twice");
            }
        }
        return parts;
    }

    private static String string(Extension part, String what) {
        if (part.getValue() instanceof PrimitiveType<?> primitive && !(part.getValue() instanceof DecimalType)
                && !(part.getValue() instanceof IntegerType) && primitive.getValueAsString() != null
                && !primitive.getValueAsString().isBlank()) {
            return primitive.getValueAsString();
        }
        throw new IllegalArgumentException(what + " must be a non-empty valueCode or valueString");
    }

    private static String once(String previous, String value, String what) {
        if (previous != null) {
            throw new IllegalArgumentException(what + " is given twice");
        }
        return value;
    }

    // ------------------------------------------------------------------ building

    private static ScoringRule build(RawRule raw, Map<String, QuestionnaireItemComponent> definitions, AdaptiveBank bank) {
        String where = "score '" + raw.code + "'";
        List<ItemScale> items = new ArrayList<>();
        for (String linkId : raw.items) {
            QuestionnaireItemComponent item = definitions.get(linkId);
            if (item == null) {
                throw new IllegalArgumentException(where + ": item '" + linkId + "' is not in the questionnaire");
            }
            items.add(scale(item, where));
        }
        for (String linkId : raw.reverse) {
            if (!raw.items.contains(linkId)) {
                throw new IllegalArgumentException(where + ": reverse-scored item '" + linkId
                        + "' is not one of the score's items");
            }
        }
        IrtScoring irt = null;
        if (raw.method == ScoringMethod.IRT_SUM) {
            for (String linkId : raw.items) {
                if (bank.items().indexOf(linkId) < 0) {
                    throw new IllegalArgumentException(where + ": item '" + linkId + "' is not an item of the bank");
                }
            }
            CatDesign design = bank.design();
            irt = new IrtScoring(bank.items().subset(raw.items), design.grid(), design.prior(), design.scoreScale());
        }
        int minAnswered = raw.minAnswered == null ? raw.items.size() : raw.minAnswered;
        try {
            return new ScoringRule(raw.code, raw.display, raw.method, items, Set.copyOf(raw.reverse), minAnswered,
                    raw.unit, raw.lookup, raw.bands, irt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(where) ? e.getMessage()
                    : where + ": " + e.getMessage(), e);
        }
    }

    /** The item's possible values: one per answerOption (ordinalValue, else an integer code or valueInteger). */
    private static ItemScale scale(QuestionnaireItemComponent item, String where) {
        String itemWhere = where + ": item '" + item.getLinkId() + "'";
        if (item.getRepeats()) {
            throw new IllegalArgumentException(itemWhere + " repeats; a scored item takes a single answer");
        }
        if (!item.hasAnswerOption()) {
            throw new IllegalArgumentException(itemWhere + " has no answerOptions, so its answers have no values to"
                    + " score (type " + (item.hasType() ? item.getType().toCode() : "none") + ")");
        }
        TreeSet<BigDecimal> values = new TreeSet<>();
        for (QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
            values.add(Scores.normalise(optionValue(option, itemWhere)));
        }
        if (values.size() < 2) {
            throw new IllegalArgumentException(itemWhere + " has fewer than two different option values");
        }
        return new ItemScale(item.getLinkId(), new ArrayList<>(values));
    }

    private static BigDecimal optionValue(QuestionnaireItemAnswerOptionComponent option, String where) {
        List<Extension> ordinals = new ArrayList<>(option.getExtensionsByUrl(ORDINAL_VALUE));
        Type value = option.getValue();
        if (ordinals.isEmpty() && value instanceof Coding coding) {
            ordinals.addAll(coding.getExtensionsByUrl(ORDINAL_VALUE));
        }
        if (ordinals.size() > 1) {
            throw new IllegalArgumentException(where + ": an answerOption has " + ordinals.size() + " ordinalValues");
        }
        if (ordinals.size() == 1) {
            Type ordinal = ordinals.get(0).getValue();
            if (ordinal instanceof DecimalType decimal && decimal.getValue() != null) {
                return decimal.getValue();
            }
            if (ordinal instanceof IntegerType integer && integer.getValue() != null) {
                return BigDecimal.valueOf(integer.getValue());
            }
            throw new IllegalArgumentException(where + ": ordinalValue must be a valueDecimal");
        }
        if (value instanceof Coding coding && coding.hasCode()) {
            try {
                return BigDecimal.valueOf(Integer.parseInt(coding.getCode().trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": answerOption '" + coding.getCode()
                        + "' has no ordinalValue and its code is not an integer, so it has no value to score");
            }
        }
        if (value instanceof IntegerType integer && integer.getValue() != null) {
            return BigDecimal.valueOf(integer.getValue());
        }
        throw new IllegalArgumentException(where + ": an answerOption of type "
                + (value == null ? "none" : value.fhirType()) + " has no ordinalValue, so it has no value to score");
    }

    // ------------------------------------------------------------------ helpers

    private static void collect(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> out) {
        for (QuestionnaireItemComponent item : items) {
            if (item.hasLinkId()) {
                out.putIfAbsent(item.getLinkId(), item);
            }
            collect(item.getItem(), out);
        }
    }

    private static void collectAnswers(List<QuestionnaireResponseItemComponent> items,
                                       Map<String, Map<String, BigDecimal>> options, Map<String, BigDecimal> out) {
        for (QuestionnaireResponseItemComponent item : items) {
            Map<String, BigDecimal> values = options.get(item.getLinkId());
            if (values != null && item.hasAnswer()) {
                String where = "item '" + item.getLinkId() + "'";
                if (item.getAnswer().size() > 1 || out.containsKey(item.getLinkId())) {
                    throw new IllegalArgumentException(where + " is answered more than once; a scored item takes one answer");
                }
                Type answer = item.getAnswerFirstRep().getValue();
                BigDecimal value = values.get(key(answer));
                if (value == null) {
                    throw new IllegalArgumentException(where + ": the answer is not one of the item's options");
                }
                out.put(item.getLinkId(), value);
            }
            collectAnswers(item.getItem(), options, out);
            for (QuestionnaireResponseItemAnswerComponent answer : item.getAnswer()) {
                collectAnswers(answer.getItem(), options, out);
            }
        }
    }

    /** Option identity: a Coding by system and code, a primitive by type and value. */
    private static String key(Type value) {
        if (value instanceof Coding coding) {
            return "Coding|" + (coding.hasSystem() ? coding.getSystem() : "") + "|" + coding.getCode();
        }
        if (value instanceof PrimitiveType<?> primitive) {
            return value.fhirType() + "|" + primitive.getValueAsString();
        }
        return value == null ? "none" : value.fhirType() + "|?";
    }

}
