package fi.vointi.adaptive;

import fi.vointi.cat.CatDesign;
import fi.vointi.cat.CatEngine;
import fi.vointi.cat.EstimationMethod;
import fi.vointi.cat.GeneralizedPartialCreditItem;
import fi.vointi.cat.GradedResponseItem;
import fi.vointi.cat.IrtItem;
import fi.vointi.cat.ItemBank;
import fi.vointi.cat.SelectionMethod;
import fi.vointi.cat.TwoPlItem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An adaptive questionnaire (item bank) read into the CAT engine: every top-level item is a choice
 * item carrying the {@code irt-item} extension, and the Questionnaire carries {@code cat-design}.
 *
 * <p>An item's categories are its answerOptions ordered by {@code ordinalValue} ascending: category 0
 * is the option with the lowest ordinal value, whatever order the options are listed in.
 *
 * <p>Immutable once read, and safe to share between requests: the {@link CatEngine} is built once here
 * (its bank tables are precomputed) and {@link CatEngine#next} keeps all per-request state in a fresh
 * posterior. The Questionnaire and its item components are the caller's objects and must not be modified.
 */
public final class AdaptiveBank {
    public static final String IRT_ITEM = "https://vointi.fi/fhir/StructureDefinition/irt-item";
    public static final String CAT_DESIGN = "https://vointi.fi/fhir/StructureDefinition/cat-design";
    public static final String CAT_ESTIMATE = "https://vointi.fi/fhir/StructureDefinition/cat-estimate";
    public static final String ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    /** The parts of the irt-item extension. */
    static final Set<String> IRT_PARTS = Set.of("model", "slope", "threshold", "domain", "exposureParameter");
    /** The parts of the cat-design extension, in the order of the profile. */
    static final List<String> DESIGN_PARTS = List.of("minItems", "maxItems", "standardErrorStop", "selection",
            "estimator", "priorMean", "priorSd", "quadratureMin", "quadratureMax", "quadraturePoints", "scoreMean",
            "scoreSd", "randomesque", "firstItem", "startTheta", "scoreStandardErrorStop", "scoreDecimals",
            "thetaChangeStop", "previousScorePrior", "previousScoreLimit", "contentTarget", "enemySet");
    /** Design parts that may be given more than once. */
    static final Set<String> REPEATED_DESIGN_PARTS = Set.of("contentTarget", "enemySet");
    private static final Set<String> INTEGER_PARTS = Set.of("minItems", "maxItems", "quadraturePoints", "randomesque",
            "scoreDecimals");
    private static final Set<String> CODE_PARTS = Set.of("selection", "estimator");
    private static final Set<String> STRING_PARTS = Set.of("firstItem", "contentTarget", "enemySet");

    private final Questionnaire questionnaire;
    private final String canonical;
    private final ItemBank items;
    private final CatDesign design;
    private final CatEngine engine;
    private final Map<String, QuestionnaireItemComponent> definitions;
    private final Map<String, Map<OptionKey, Integer>> categories;

    private AdaptiveBank(Questionnaire questionnaire, ItemBank items, CatDesign design,
                         Map<String, QuestionnaireItemComponent> definitions,
                         Map<String, Map<OptionKey, Integer>> categories) {
        this.questionnaire = questionnaire;
        this.canonical = questionnaire.getUrl() + "|" + questionnaire.getVersion();
        this.items = items;
        this.design = design;
        try {
            this.engine = new CatEngine(items, design);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Questionnaire " + canonical + ": cat-design: " + e.getMessage(), e);
        }
        this.definitions = Map.copyOf(definitions);
        this.categories = Map.copyOf(categories);
    }

    /**
     * Whether the questionnaire is served as an adaptive test: it carries cat-design and the SDC
     * questionnaireAdaptive flag. A calibrated fixed form (e.g. a short form of a bank) carries cat-design and
     * irt-item for scoring only, without the flag, and is answered like any fixed questionnaire.
     */
    public static boolean isAdaptive(Questionnaire q) {
        if (q == null || !q.hasExtension(CAT_DESIGN)) {
            return false;
        }
        Extension flag = q.getExtensionByUrl(BankImporter.SDC_ADAPTIVE);
        return flag != null && flag.getValue() instanceof org.hl7.fhir.r4.model.BooleanType b && b.booleanValue();
    }

    /**
     * Reads an item bank.
     *
     * @throws IllegalArgumentException naming the linkId (or cat-design) and the problem
     */
    public static AdaptiveBank read(Questionnaire q) {
        if (q == null) {
            throw new IllegalArgumentException("no questionnaire given");
        }
        String name = q.hasUrl() ? q.getUrl() : "with id '" + q.getIdElement().getIdPart() + "'";
        List<Extension> designs = q.getExtensionsByUrl(CAT_DESIGN);
        if (designs.isEmpty()) {
            throw new IllegalArgumentException("Questionnaire " + name + " has no cat-design extension, so it is not an item bank");
        }
        if (designs.size() > 1) {
            throw new IllegalArgumentException("Questionnaire " + name + " has " + designs.size()
                    + " cat-design extensions; an item bank has exactly one");
        }
        if (!q.hasUrl() || !q.hasVersion()) {
            throw new IllegalArgumentException("Questionnaire " + name + ": an item bank needs a url and a version");
        }
        if (!q.hasItem()) {
            throw new IllegalArgumentException("Questionnaire " + name + " has no items");
        }
        List<IrtItem> engineItems = new ArrayList<>();
        Map<String, QuestionnaireItemComponent> definitions = new LinkedHashMap<>();
        Map<String, Map<OptionKey, Integer>> categories = new HashMap<>();
        Map<String, String> domains = new LinkedHashMap<>();
        Map<String, Double> exposure = new LinkedHashMap<>();
        int position = 0;
        for (QuestionnaireItemComponent item : q.getItem()) {
            position++;
            if (!item.hasLinkId() || item.getLinkId().isBlank()) {
                throw new IllegalArgumentException("item number " + position + " has no linkId");
            }
            String linkId = item.getLinkId();
            if (definitions.containsKey(linkId)) {
                throw new IllegalArgumentException("item '" + linkId + "': the linkId is used by more than one item");
            }
            Map<OptionKey, Integer> optionCategories = new HashMap<>();
            engineItems.add(readItem(item, optionCategories, domains, exposure));
            definitions.put(linkId, item);
            categories.put(linkId, Map.copyOf(optionCategories));
        }
        ItemBank bank = new ItemBank(engineItems);
        CatDesign design;
        try {
            design = readDesign(designs.get(0), definitions.keySet(), domains, exposure);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Questionnaire " + name + "|" + q.getVersion() + ": " + e.getMessage(), e);
        }
        return new AdaptiveBank(q, bank, design, definitions, categories);
    }

    public Questionnaire questionnaire() {
        return questionnaire;
    }

    /** {@code url|version}. */
    public String canonical() {
        return canonical;
    }

    /** The engine items, id = linkId, in questionnaire order. */
    public ItemBank items() {
        return items;
    }

    public CatDesign design() {
        return design;
    }

    /** The engine for this bank and design, built once; safe to use from many threads at once. */
    public CatEngine engine() {
        return engine;
    }

    /** The bank's definition of an item (the Questionnaire's own component: do not modify). */
    public Optional<QuestionnaireItemComponent> item(String linkId) {
        return Optional.ofNullable(linkId == null ? null : definitions.get(linkId));
    }

    /**
     * The 0-based category of an answer to an item: the position of the matching answerOption when the
     * options are ordered by ordinalValue ascending. A Coding matches by system and code; integer and
     * string options match equal values of the same type. Empty for an unknown item or an answer that
     * is none of the item's options.
     */
    public OptionalInt category(String linkId, Type answerValue) {
        if (linkId == null || answerValue == null) {
            return OptionalInt.empty();
        }
        Map<OptionKey, Integer> options = categories.get(linkId);
        if (options == null) {
            return OptionalInt.empty();
        }
        OptionKey key = OptionKey.of(answerValue);
        Integer category = key == null ? null : options.get(key);
        return category == null ? OptionalInt.empty() : OptionalInt.of(category);
    }

    @Override
    public String toString() {
        return "AdaptiveBank[" + canonical + ", " + items.size() + " items]";
    }

    // ---------------------------------------------------------------- items

    private record Option(OptionKey key, BigDecimal ordinal) {
    }

    private static IrtItem readItem(QuestionnaireItemComponent item, Map<OptionKey, Integer> categoriesOut,
                                    Map<String, String> domainsOut, Map<String, Double> exposureOut) {
        String linkId = item.getLinkId();
        String where = "item '" + linkId + "'";
        if (item.getType() == QuestionnaireItemType.GROUP) {
            throw new IllegalArgumentException(where + " is a group; an item bank holds only top-level choice items");
        }
        if (item.getType() != QuestionnaireItemType.CHOICE) {
            throw new IllegalArgumentException(where + " has type '" + (item.hasType() ? item.getType().toCode() : "none")
                    + "'; every item of an item bank must be of type choice");
        }
        if (item.hasItem()) {
            throw new IllegalArgumentException(where + " has nested items; item-bank items cannot");
        }
        if (item.getRepeats()) {
            throw new IllegalArgumentException(where + " repeats; an item-bank item takes exactly one answer");
        }
        if (item.getRequired()) {
            throw new IllegalArgumentException(where + " is required; item-bank items must not be, since each test"
                    + " asks only some of them");
        }
        if (item.hasEnableWhen()) {
            throw new IllegalArgumentException(where + " has enableWhen; in an item bank the adaptive test decides"
                    + " which items are asked");
        }
        List<Extension> irt = item.getExtensionsByUrl(IRT_ITEM);
        if (irt.isEmpty()) {
            throw new IllegalArgumentException(where + " has no irt-item extension (model, slope and thresholds)");
        }
        if (irt.size() > 1) {
            throw new IllegalArgumentException(where + " has " + irt.size() + " irt-item extensions; it needs exactly one");
        }
        if (item.hasAnswerValueSet()) {
            throw new IllegalArgumentException(where + " uses answerValueSet; item-bank items list their answerOptions");
        }
        List<Option> options = readOptions(item, where);

        Extension parameters = irt.get(0);
        String model = null;
        Double slope = null;
        List<Double> thresholds = new ArrayList<>();
        if (parameters.hasValue()) {
            throw new IllegalArgumentException(where + ": irt-item has a value; it has only the parts model, slope"
                    + " and threshold");
        }
        for (Extension part : parameters.getExtension()) {
            String url = part.getUrl();
            if (!IRT_PARTS.contains(url)) {
                throw new IllegalArgumentException(where + ": irt-item has an unknown part '" + url
                        + "' (known: model, slope, threshold, domain, exposureParameter)");
            }
            switch (url) {
                case "domain" -> {
                    if (domainsOut.containsKey(linkId)) {
                        throw new IllegalArgumentException(where + ": irt-item gives the domain twice");
                    }
                    if (!(part.getValue() instanceof org.hl7.fhir.r4.model.CodeType code) || !code.hasValue()) {
                        throw new IllegalArgumentException(where + ": irt-item domain must be a valueCode");
                    }
                    domainsOut.put(linkId, code.getValue());
                }
                case "exposureParameter" -> {
                    if (exposureOut.containsKey(linkId)) {
                        throw new IllegalArgumentException(where + ": irt-item gives the exposureParameter twice");
                    }
                    double k = decimal(part, where + ": irt-item exposureParameter");
                    if (!(k > 0 && k <= 1)) {
                        throw new IllegalArgumentException(where + ": irt-item exposureParameter must be above 0 and at"
                                + " most 1, was " + k);
                    }
                    exposureOut.put(linkId, k);
                }
                case "model" -> {
                    if (model != null) {
                        throw new IllegalArgumentException(where + ": irt-item gives the model twice");
                    }
                    if (!(part.getValue() instanceof org.hl7.fhir.r4.model.CodeType code) || !code.hasValue()) {
                        throw new IllegalArgumentException(where + ": irt-item model must be a valueCode (grm, gpcm or 2pl)");
                    }
                    model = code.getValue();
                }
                case "slope" -> {
                    if (slope != null) {
                        throw new IllegalArgumentException(where + ": irt-item gives the slope twice");
                    }
                    slope = decimal(part, where + ": irt-item slope");
                }
                default -> thresholds.add(decimal(part, where + ": irt-item threshold " + (thresholds.size() + 1)));
            }
        }
        if (model == null) {
            throw new IllegalArgumentException(where + ": irt-item has no model (grm, gpcm or 2pl)");
        }
        if (!List.of("grm", "gpcm", "2pl").contains(model)) {
            throw new IllegalArgumentException(where + ": irt-item model '" + model + "' is not grm, gpcm or 2pl");
        }
        if (slope == null) {
            throw new IllegalArgumentException(where + ": irt-item has no slope");
        }
        if (!(slope > 0) || !Double.isFinite(slope)) {
            throw new IllegalArgumentException(where + ": irt-item slope must be greater than 0, was " + slope);
        }
        if (thresholds.isEmpty()) {
            throw new IllegalArgumentException(where + ": irt-item has no threshold");
        }
        if (model.equals("2pl")) {
            if (options.size() != 2 || thresholds.size() != 1) {
                throw new IllegalArgumentException(where + ": a 2pl item needs exactly 2 answerOptions and 1 threshold"
                        + " (its difficulty), but has " + options.size() + " answerOptions and " + thresholds.size()
                        + " thresholds");
            }
        } else if (thresholds.size() != options.size() - 1) {
            throw new IllegalArgumentException(where + ": irt-item has " + thresholds.size() + " thresholds but the item has "
                    + options.size() + " answerOptions; it needs " + (options.size() - 1) + " (one fewer than the options)");
        }
        double[] b = thresholds.stream().mapToDouble(Double::doubleValue).toArray();
        if (model.equals("grm")) {
            for (int k = 1; k < b.length; k++) {
                if (!(b[k] > b[k - 1])) {
                    throw new IllegalArgumentException(where + ": grm thresholds must be strictly increasing, but threshold "
                            + (k + 1) + " (" + b[k] + ") is not above threshold " + k + " (" + b[k - 1] + ")");
                }
            }
        }
        for (int k = 0; k < options.size(); k++) {
            categoriesOut.put(options.get(k).key(), k);
        }
        try {
            return switch (model) {
                case "grm" -> new GradedResponseItem(linkId, slope, b);
                case "gpcm" -> new GeneralizedPartialCreditItem(linkId, slope, b);
                default -> new TwoPlItem(linkId, slope, b[0]);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** The item's options ordered by ordinalValue ascending. */
    private static List<Option> readOptions(QuestionnaireItemComponent item, String where) {
        if (item.getAnswerOption().size() < 2) {
            throw new IllegalArgumentException(where + " needs at least 2 answerOptions, has " + item.getAnswerOption().size());
        }
        List<Option> options = new ArrayList<>();
        Map<OptionKey, Integer> seenValues = new HashMap<>();
        List<BigDecimal> seenOrdinals = new ArrayList<>();
        int position = 0;
        for (QuestionnaireItemAnswerOptionComponent answerOption : item.getAnswerOption()) {
            position++;
            String optionWhere = where + ": answerOption " + position;
            OptionKey key = OptionKey.of(answerOption.getValue());
            if (key == null) {
                throw new IllegalArgumentException(optionWhere + " has a value of type "
                        + (answerOption.hasValue() ? answerOption.getValue().fhirType() : "none")
                        + "; item-bank options must be a Coding (with a code), an integer or a string");
            }
            Integer previous = seenValues.putIfAbsent(key, position);
            if (previous != null) {
                throw new IllegalArgumentException(optionWhere + " repeats the value of answerOption " + previous);
            }
            BigDecimal ordinal = ordinal(answerOption, optionWhere + " (" + key.label() + ")");
            for (int other = 0; other < seenOrdinals.size(); other++) {
                if (seenOrdinals.get(other).compareTo(ordinal) == 0) {
                    throw new IllegalArgumentException(optionWhere + " (" + key.label() + ") has the same ordinalValue "
                            + ordinal.toPlainString() + " as answerOption " + (other + 1)
                            + "; the ordinal values must be distinct, they order the categories");
                }
            }
            seenOrdinals.add(ordinal);
            options.add(new Option(key, ordinal));
        }
        options.sort(Comparator.comparing(Option::ordinal)); // ordinals are distinct, so the order is total
        return options;
    }

    /** The ordinalValue of an option, on the answerOption or (as R4 also allows) on its Coding. */
    private static BigDecimal ordinal(QuestionnaireItemAnswerOptionComponent option, String where) {
        List<Extension> ordinals = new ArrayList<>(option.getExtensionsByUrl(ORDINAL_VALUE));
        if (ordinals.isEmpty() && option.getValue() instanceof Coding coding) {
            ordinals.addAll(coding.getExtensionsByUrl(ORDINAL_VALUE));
        }
        if (ordinals.isEmpty()) {
            throw new IllegalArgumentException(where + " has no ordinalValue extension; every option of a bank item"
                    + " needs one (it orders the categories)");
        }
        if (ordinals.size() > 1) {
            throw new IllegalArgumentException(where + " has " + ordinals.size() + " ordinalValue extensions");
        }
        Type value = ordinals.get(0).getValue();
        if (value instanceof DecimalType decimal && decimal.getValue() != null) {
            return decimal.getValue();
        }
        if (value instanceof IntegerType integer && integer.getValue() != null) {
            return BigDecimal.valueOf(integer.getValue());
        }
        throw new IllegalArgumentException(where + ": ordinalValue must be a valueDecimal");
    }

    private static double decimal(Extension part, String what) {
        if (part.getValue() instanceof DecimalType decimal && decimal.getValue() != null) {
            return decimal.getValue().doubleValue();
        }
        throw new IllegalArgumentException(what + " must be a valueDecimal");
    }

    // ---------------------------------------------------------------- design

    private static CatDesign readDesign(Extension extension, Set<String> linkIds, Map<String, String> domains,
                                        Map<String, Double> exposure) {
        if (extension.hasValue()) {
            throw new IllegalArgumentException("cat-design has a value; it has only parts (minItems, maxItems, ...)");
        }
        CatDesign defaults = CatDesign.defaults();
        CatDesign.Builder builder = CatDesign.builder();
        double quadratureMin = defaults.quadratureMin();
        double quadratureMax = defaults.quadratureMax();
        int quadraturePoints = defaults.quadraturePoints();
        Set<String> seen = new HashSet<>();
        Map<String, Double> contentTargets = new LinkedHashMap<>();
        List<Set<String>> enemySets = new ArrayList<>();
        boolean previousScorePrior = false;
        double previousScoreLimit = defaults.previousScoreLimit();
        for (Extension part : extension.getExtension()) {
            String name = part.getUrl();
            if (!DESIGN_PARTS.contains(name)) {
                throw new IllegalArgumentException("cat-design has an unknown part '" + name + "' (known: "
                        + String.join(", ", DESIGN_PARTS) + ")");
            }
            if (!seen.add(name) && !REPEATED_DESIGN_PARTS.contains(name)) {
                throw new IllegalArgumentException("cat-design gives " + name + " twice");
            }
            Type value = part.getValue();
            String where = "cat-design " + name;
            if (INTEGER_PARTS.contains(name)) {
                if (!(value instanceof IntegerType integer) || integer.getValue() == null) {
                    throw new IllegalArgumentException(where + " must be a valueInteger");
                }
                int v = integer.getValue();
                switch (name) {
                    case "minItems" -> builder.minItems(v);
                    case "maxItems" -> builder.maxItems(v);
                    case "quadraturePoints" -> quadraturePoints = v;
                    case "scoreDecimals" -> builder.scoreDecimals(v);
                    default -> builder.randomesque(v);
                }
            } else if (CODE_PARTS.contains(name)) {
                if (!(value instanceof org.hl7.fhir.r4.model.CodeType code) || !code.hasValue()) {
                    throw new IllegalArgumentException(where + " must be a valueCode");
                }
                if (name.equals("selection")) {
                    builder.selection(switch (code.getValue()) {
                        case "max-info" -> SelectionMethod.MAX_INFO;
                        case "max-posterior-info" -> SelectionMethod.MAX_POSTERIOR_INFO;
                        default -> throw new IllegalArgumentException(where + " '" + code.getValue()
                                + "' is not max-info or max-posterior-info");
                    });
                } else {
                    builder.estimator(switch (code.getValue()) {
                        case "eap" -> EstimationMethod.EAP;
                        case "map" -> EstimationMethod.MAP;
                        default -> throw new IllegalArgumentException(where + " '" + code.getValue() + "' is not eap or map");
                    });
                }
            } else if (name.equals("previousScorePrior")) {
                if (!(value instanceof org.hl7.fhir.r4.model.BooleanType flag) || !flag.hasValue()) {
                    throw new IllegalArgumentException(where + " must be a valueBoolean");
                }
                previousScorePrior = flag.booleanValue();
            } else if (STRING_PARTS.contains(name)) {
                if (!(value instanceof StringType string) || value.fhirType().equals("code") || !string.hasValue()) {
                    throw new IllegalArgumentException(where + " must be a valueString");
                }
                if (name.equals("contentTarget")) {
                    readContentTarget(string.getValue(), contentTargets);
                    continue;
                }
                if (name.equals("enemySet")) {
                    enemySets.add(readEnemySet(string.getValue(), linkIds));
                    continue;
                }
                if (!linkIds.contains(string.getValue())) {
                    throw new IllegalArgumentException(where + " '" + string.getValue() + "' is not the linkId of an item"
                            + " of this bank");
                }
                builder.firstItemId(string.getValue());
            } else {
                double v = decimal(part, where);
                switch (name) {
                    case "standardErrorStop" -> builder.standardErrorStop(v);
                    case "priorMean" -> builder.priorMean(v);
                    case "priorSd" -> builder.priorSd(v);
                    case "quadratureMin" -> quadratureMin = v;
                    case "quadratureMax" -> quadratureMax = v;
                    case "scoreMean" -> builder.scoreMean(v);
                    case "scoreSd" -> builder.scoreSd(v);
                    case "scoreStandardErrorStop" -> builder.scoreStandardErrorStop(v);
                    case "thetaChangeStop" -> builder.thetaChangeStop(v);
                    case "previousScoreLimit" -> previousScoreLimit = v;
                    default -> builder.startTheta(v);
                }
            }
        }
        builder.quadrature(quadratureMin, quadratureMax, quadraturePoints);
        if (seen.contains("scoreStandardErrorStop") && !seen.contains("standardErrorStop")) {
            builder.standardErrorStop(0.0); // the score-unit rule replaces the theta default
        }
        if (!domains.isEmpty() && contentTargets.isEmpty()) {
            throw new IllegalArgumentException("cat-design: items carry a domain but there is no contentTarget");
        }
        builder.previousScorePrior(previousScorePrior, previousScoreLimit)
                .contentBalancing(contentTargets, contentTargets.isEmpty() ? Map.of() : domains)
                .enemySets(enemySets).exposureParameters(exposure);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cat-design: " + e.getMessage(), e);
        }
    }

    /** {@code domain=share}, e.g. {@code sleep-quality=0.5}. */
    private static void readContentTarget(String text, Map<String, Double> targets) {
        String where = "cat-design contentTarget '" + text + "'";
        int equals = text.indexOf('=');
        if (equals <= 0 || equals == text.length() - 1) {
            throw new IllegalArgumentException(where + " must be domain=share, e.g. impact=0.5");
        }
        String domain = text.substring(0, equals).trim();
        double share;
        try {
            share = new BigDecimal(text.substring(equals + 1).trim()).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": the share is not a number");
        }
        if (targets.put(domain, share) != null) {
            throw new IllegalArgumentException(where + ": domain '" + domain + "' has two targets");
        }
    }

    /** Item linkIds separated by spaces, at least two, all of this bank. */
    private static Set<String> readEnemySet(String text, Set<String> linkIds) {
        Set<String> set = new java.util.LinkedHashSet<>();
        for (String linkId : text.trim().split("\\s+")) {
            if (!linkIds.contains(linkId)) {
                throw new IllegalArgumentException("cat-design enemySet '" + text + "': '" + linkId
                        + "' is not the linkId of an item of this bank");
            }
            set.add(linkId);
        }
        if (set.size() < 2) {
            throw new IllegalArgumentException("cat-design enemySet '" + text + "' needs at least two different linkIds");
        }
        return set;
    }

    // ---------------------------------------------------------------- option matching

    /** What identifies an answer option: a Coding by system and code, or an integer or string value. */
    private sealed interface OptionKey {
        String label();

        static OptionKey of(Type value) {
            if (value == null) {
                return null;
            }
            switch (value.fhirType()) {
                case "Coding" -> {
                    Coding coding = (Coding) value;
                    return coding.hasCode() ? new CodingKey(coding.getSystem(), coding.getCode()) : null;
                }
                case "integer" -> {
                    Integer integer = ((IntegerType) value).getValue();
                    return integer == null ? null : new IntegerKey(integer);
                }
                case "string" -> {
                    String string = ((StringType) value).getValue();
                    return string == null ? null : new StringKey(string);
                }
                default -> {
                    return null;
                }
            }
        }
    }

    private record CodingKey(String system, String code) implements OptionKey {
        @Override
        public String label() {
            return (system == null ? "" : system + "|") + code;
        }
    }

    private record IntegerKey(int value) implements OptionKey {
        @Override
        public String label() {
            return Integer.toString(value);
        }
    }

    private record StringKey(String value) implements OptionKey {
        @Override
        public String label() {
            return "'" + value + "'";
        }
    }
}
