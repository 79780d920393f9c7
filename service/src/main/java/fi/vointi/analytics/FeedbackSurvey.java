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

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * Answers outside 0..10 / 1..5 are ignored here (the response validator and the feedback API refuse them).
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
        List<String> texts = new ArrayList<>();
        walk(response.getItem(), item -> {
            QuestionnaireItemComponent definition = definitions.get(item.getLinkId());
            if (definition == null || !item.hasAnswer()) {
                return;
            }
            Type value = item.getAnswerFirstRep().getValue();
            switch (codeOf(definition)) {
                case "recommendation" -> number(definition, value).filter(v -> v >= 0 && v <= 10)
                        .ifPresent(v -> recommendation[0] = v);
                case "statement", "own-statement" -> number(definition, value).filter(v -> v >= 1 && v <= 5)
                        .ifPresent(v -> statements.put(item.getLinkId(), v));
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
                questionnaire.getUrl(), recommendation[0], statements, texts.isEmpty() ? null : String.join("\n\n", texts)));
    }

    private static String codeOf(QuestionnaireItemComponent definition) {
        for (Coding code : definition.getCode()) {
            if (ITEM_SYSTEM.equals(code.getSystem()) && code.hasCode()) {
                return code.getCode();
            }
        }
        return "";
    }

    /** An integer answer, or a Coding answer's ordinalValue (from the answer or its answerOption). */
    private static Optional<Integer> number(QuestionnaireItemComponent definition, Type value) {
        if (value instanceof IntegerType i && i.hasValue()) {
            return Optional.of(i.getValue());
        }
        if (value instanceof Coding coding) {
            Optional<Integer> own = ordinal(coding.getExtensionByUrl(ORDINAL_VALUE));
            if (own.isPresent()) {
                return own;
            }
            for (Questionnaire.QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
                if (option.getValue() instanceof Coding c && c.hasCode() && c.getCode().equals(coding.getCode())
                        && (!c.hasSystem() || c.getSystem().equals(coding.getSystem()))) {
                    Optional<Integer> ordinal = ordinal(option.getExtensionByUrl(ORDINAL_VALUE));
                    return ordinal.isPresent() ? ordinal : ordinal(c.getExtensionByUrl(ORDINAL_VALUE));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> ordinal(Extension extension) {
        if (extension != null && extension.getValue() instanceof DecimalType d && d.hasValue()) {
            java.math.BigDecimal decimal = d.getValue();
            if (decimal.stripTrailingZeros().scale() <= 0) {
                return Optional.of(decimal.intValueExact());
            }
        }
        if (extension != null && extension.getValue() instanceof IntegerType i && i.hasValue()) {
            return Optional.of(i.getValue());
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
