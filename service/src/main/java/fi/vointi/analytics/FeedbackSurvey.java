package fi.vointi.analytics;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the shared feedback contract (docs/analytics.md): the {@code feedback-survey} extension of a
 * Questionnaire (audience), the {@code feedback-item} codes of its items, and the {@code service-unit} and
 * {@code feedback-channel} extensions of a response. Pure; no framework.
 */
public final class FeedbackSurvey {
    public static final String SURVEY_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/feedback-survey";
    public static final String CHANNEL_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/feedback-channel";
    public static final String UNIT_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/service-unit";
    public static final String ITEM_SYSTEM = "https://vointi.fi/fhir/CodeSystem/feedback-item";
    public static final String ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    public static final Set<String> AUDIENCES = Set.of("adult", "child", "relative", "staff");
    /** Audiences of customer feedback; staff (eNPS) is always reported on its own. */
    public static final Set<String> CUSTOMER_AUDIENCES = Set.of("adult", "child", "relative");
    /** Codes of the feedback-channel extension. */
    public static final Set<String> CHANNELS = Set.of("qr", "sms", "web", "kiosk", "import");
    public static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");

    private FeedbackSurvey() {
    }

    /** The audience of a feedback questionnaire, or empty when the questionnaire is not a feedback survey. */
    public static Optional<String> audience(Questionnaire questionnaire) {
        Extension extension = questionnaire.getExtensionByUrl(SURVEY_EXTENSION);
        if (extension == null || extension.getValue() == null) {
            return Optional.empty();
        }
        String code = extension.getValue().primitiveValue();
        return AUDIENCES.contains(code) ? Optional.of(code) : Optional.empty();
    }

    /**
     * The facts of a final response to a feedback survey, or empty when the response names no service unit.
     * Answers outside 0..10 / 1..5 are ignored here (the response validator and the feedback API refuse them); a
     * statement answered "can't say" is kept apart from the 1..5 answers.
     */
    public static Optional<FeedbackFact> facts(Questionnaire questionnaire, String audience, QuestionnaireResponse response) {
        Extension unit = response.getExtensionByUrl(UNIT_EXTENSION);
        if (unit == null || !(unit.getValue() instanceof Reference reference) || !reference.hasReference()) {
            return Optional.empty();
        }
        String unitId = reference.getReferenceElement().getIdPart();
        if (unitId == null || unitId.isBlank()) {
            return Optional.empty();
        }
        Extension channelExtension = response.getExtensionByUrl(CHANNEL_EXTENSION);
        String channel = channelExtension != null && channelExtension.getValue() != null
                ? channelExtension.getValue().primitiveValue() : "web";
        Map<String, QuestionnaireItemComponent> definitions = new LinkedHashMap<>();
        collect(questionnaire.getItem(), definitions);
        Integer[] recommendation = {null};
        Map<String, Integer> statements = new LinkedHashMap<>();
        Set<String> cantSay = new LinkedHashSet<>();
        List<String> texts = new ArrayList<>();
        walk(response.getItem(), item -> {
            QuestionnaireItemComponent definition = definitions.get(item.getLinkId());
            if (definition == null || !item.hasAnswer()) {
                return;
            }
            Type value = item.getAnswerFirstRep().getValue();
            switch (codeOf(definition)) {
                case "recommendation" -> read(definition, value).flatMap(r -> r.whole(0, 10))
                        .ifPresent(v -> recommendation[0] = v);
                case "statement", "own-statement" -> read(definition, value).ifPresent(r -> {
                    // one answer per statement (the last, should a repeating group hold it twice)
                    if (r.cantSay()) {
                        statements.remove(item.getLinkId());
                        cantSay.add(item.getLinkId());
                    } else {
                        r.whole(1, 5).ifPresent(v -> {
                            cantSay.remove(item.getLinkId());
                            statements.put(item.getLinkId(), v);
                        });
                    }
                });
                case "open-text" -> {
                    if (value instanceof StringType s && s.hasValue() && !s.getValue().isBlank()) {
                        texts.add(s.getValue().strip());
                    }
                }
                default -> {
                }
            }
        });
        return Optional.of(new FeedbackFact(response.getIdElement().getIdPart(), unitId,
                response.getAuthored().toInstant().atZone(ZONE).toLocalDate(), audience, channel,
                questionnaire.getUrl(), recommendation[0], statements, cantSay, texts.isEmpty() ? null : String.join("\n\n", texts)));
    }

    private static String codeOf(QuestionnaireItemComponent definition) {
        for (Coding code : definition.getCode()) {
            if (ITEM_SYSTEM.equals(code.getSystem()) && code.hasCode()) {
                return code.getCode();
            }
        }
        return "";
    }

    /**
     * What one answer to a recommendation or statement item stands for: a number, or "can't say" ({@code number}
     * null). Read the same way by the answer checks of the feedback package, the import and the reports.
     */
    public record Reading(BigDecimal number) {
        public static final Reading CANT_SAY = new Reading(null);

        public boolean cantSay() {
            return number == null;
        }

        /** The number as a whole number within low..high, or empty (can't say, a fraction, out of range). */
        public Optional<Integer> whole(int low, int high) {
            if (number == null || number.stripTrailingZeros().scale() > 0
                    || number.compareTo(BigDecimal.valueOf(low)) < 0 || number.compareTo(BigDecimal.valueOf(high)) > 0) {
                return Optional.empty();
            }
            return Optional.of(number.intValueExact());
        }
    }

    /**
     * How an answer reads (docs/feedback.md): an integer or decimal answer is its number. A Coding is read from the
     * item's answer option with the same system and code: its ordinalValue (on the option, else on the option's
     * Coding), else its code when the code is a number; an option with neither is the "can't say" answer (e.g.
     * agreement-5 {@code cant-say}). A Coding that is no option of the item (an answerValueSet) reads by its own
     * ordinalValue or numeric code, never as "can't say". Empty when the answer stands for nothing.
     */
    public static Optional<Reading> read(QuestionnaireItemComponent definition, Type value) {
        if (value instanceof IntegerType i && i.hasValue()) {
            return Optional.of(new Reading(BigDecimal.valueOf(i.getValue())));
        }
        if (value instanceof DecimalType d && d.hasValue()) {
            return Optional.of(new Reading(d.getValue()));
        }
        if (!(value instanceof Coding coding) || !coding.hasCode()) {
            return Optional.empty();
        }
        for (Questionnaire.QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
            if (option.getValue() instanceof Coding c && coding.getCode().equals(c.getCode())
                    && Objects.equals(blankToNull(c.getSystem()), blankToNull(coding.getSystem()))) {
                Optional<BigDecimal> number = ordinal(option.getExtensionByUrl(ORDINAL_VALUE))
                        .or(() -> ordinal(c.getExtensionByUrl(ORDINAL_VALUE)))
                        .or(() -> numericCode(c.getCode()));
                return Optional.of(number.map(Reading::new).orElse(Reading.CANT_SAY));
            }
        }
        return ordinal(coding.getExtensionByUrl(ORDINAL_VALUE)).or(() -> numericCode(coding.getCode())).map(Reading::new);
    }

    private static Optional<BigDecimal> numericCode(String code) {
        try {
            return Optional.of(new BigDecimal(code));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static Optional<BigDecimal> ordinal(Extension extension) {
        if (extension != null && extension.getValue() instanceof DecimalType d && d.hasValue()) {
            return Optional.of(d.getValue());
        }
        if (extension != null && extension.getValue() instanceof IntegerType i && i.hasValue()) {
            return Optional.of(BigDecimal.valueOf(i.getValue()));
        }
        return Optional.empty();
    }

    private static void collect(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.put(item.getLinkId(), item);
            collect(item.getItem(), into);
        }
    }

    private static void walk(List<QuestionnaireResponseItemComponent> items,
                             java.util.function.Consumer<QuestionnaireResponseItemComponent> visitor) {
        for (QuestionnaireResponseItemComponent item : items) {
            visitor.accept(item);
            walk(item.getItem(), visitor);
            item.getAnswer().forEach(a -> walk(a.getItem(), visitor));
        }
    }
}
