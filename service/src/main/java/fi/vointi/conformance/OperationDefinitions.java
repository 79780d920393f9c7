package fi.vointi.conformance;

import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent;
import org.hl7.fhir.r4.model.OperationDefinition.OperationKind;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OperationDefinitions of our own operations, published at {@code GET /fhir/OperationDefinition/{id}} and named by
 * the CapabilityStatement's {@code operation.definition}. Each says on which level it is invoked (type or instance)
 * and its parameters as the controller reads and writes them; a test checks every {@code $} route under {@code /fhir}
 * against these. Where an operation follows a published one (SDC {@code $next-question}, core
 * {@code $everything}) its {@code base} names that.
 */
public final class OperationDefinitions {
    public static final String CANONICAL_BASE = "https://vointi.fi/fhir/OperationDefinition/";
    /** Bumped when a definition changes. */
    public static final String VERSION = "1.0.0";

    private static final Map<String, OperationDefinition> BY_ID = build();

    private OperationDefinitions() {
    }

    /** All of them, in the order of the CapabilityStatement. */
    public static List<OperationDefinition> all() {
        return BY_ID.values().stream().map(OperationDefinition::copy).toList();
    }

    public static Optional<OperationDefinition> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id)).map(OperationDefinition::copy);
    }

    /** The definition of operation {@code code} on {@code resourceType}, e.g. ("Patient", "erase"). */
    public static OperationDefinition of(String resourceType, String code) {
        return byId(resourceType + "-" + code).orElseThrow(() ->
                new IllegalArgumentException("No OperationDefinition for " + resourceType + "/$" + code));
    }

    private static Map<String, OperationDefinition> build() {
        Map<String, OperationDefinition> all = new LinkedHashMap<>();
        OperationDefinition next = define(all, "Questionnaire", "next-question", Level.TYPE, false,
                "Next question of an adaptive test",
                "The next item of an adaptive test (CAT), statelessly: the server answers with the response it was sent plus"
                        + " the next question in contained Questionnaire, or the final estimate (cat-estimate) and status completed."
                        + " The body is the QuestionnaireResponse itself, or Parameters with it as 'questionnaire-response' (SDC"
                        + " STU4, answered as 'return') or 'in' (SDC STU3, answered as 'out'). No login. See docs/adaptive.md.");
        next.setBase("http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-next-question");
        resource(next, OperationParameterUse.IN, "questionnaire-response", 1, "QuestionnaireResponse",
                "The response so far: contained adaptive Questionnaire (item bank reference and cat-state), answers given");
        resource(next, OperationParameterUse.OUT, "return", 1, "QuestionnaireResponse",
                "The response with the next question added, or completed with its estimate");

        OperationDefinition simulate = define(all, "Questionnaire", "simulate", Level.INSTANCE, false,
                "Simulate an adaptive test",
                "Simulates respondents answering the item bank [id] under its adaptive design and reports test length, bias,"
                        + " RMSE, item exposure and stop reasons. Parameters come in the query string. Administrators only.");
        value(simulate, OperationParameterUse.IN, "respondents", 0, "integer",
                "How many respondents to draw from the design's prior (1-20000); default when thetas is absent");
        value(simulate, OperationParameterUse.IN, "thetas", 0, "string",
                "Comma-separated true thetas (-6..6), each simulated 'replications' times, instead of drawing from the prior");
        value(simulate, OperationParameterUse.IN, "replications", 0, "integer", "Replications per given theta");
        value(simulate, OperationParameterUse.IN, "seed", 0, "integer", "Random seed (a 64-bit integer; default 1): same seed, same report");
        value(simulate, OperationParameterUse.IN, "exposureCap", 0, "decimal",
                "Target maximum exposure rate: Sympson-Hetter exposure parameters are computed and used");
        value(simulate, OperationParameterUse.OUT, "bank", 1, "string", "The bank's canonical url|version");
        value(simulate, OperationParameterUse.OUT, "respondents", 1, "integer", "Respondents simulated");
        value(simulate, OperationParameterUse.OUT, "trueThetaDistribution", 0, "string", "The prior drawn from (without thetas)");
        value(simulate, OperationParameterUse.OUT, "meanTestLength", 1, "decimal", "Mean number of items asked");
        value(simulate, OperationParameterUse.OUT, "bias", 1, "decimal", "Mean estimate minus true theta");
        value(simulate, OperationParameterUse.OUT, "rmse", 1, "decimal", "Root mean squared error of the estimates");
        value(simulate, OperationParameterUse.OUT, "correlationWithFullBank", 0, "decimal",
                "Correlation of the adaptive estimate with the full-bank estimate");
        value(simulate, OperationParameterUse.OUT, "maxExposureRate", 1, "decimal", "Largest share of tests an item appeared in");
        value(simulate, OperationParameterUse.OUT, "unusedItemShare", 1, "decimal", "Share of items never asked");
        value(simulate, OperationParameterUse.OUT, "testOverlapRate", 0, "decimal", "Mean share of items two tests have in common");
        OperationDefinitionParameterComponent exposure = parts(simulate, "itemExposure", "Exposure rate of each item");
        part(exposure, "item", 1, "string", "linkId of the item");
        part(exposure, "rate", 1, "decimal", "Share of tests the item appeared in");
        OperationDefinitionParameterComponent stop = parts(simulate, "stopReason", "How many tests stopped for each reason");
        part(stop, "reason", 1, "string", "standard-error | max-items | bank-exhausted");
        part(stop, "respondents", 1, "integer", "Tests that stopped so");
        OperationDefinitionParameterComponent atTheta = parts(simulate, "atTheta", "Results per given true theta (with thetas)");
        part(atTheta, "trueTheta", 1, "decimal", "The true theta");
        part(atTheta, "respondents", 1, "integer", "Replications");
        part(atTheta, "meanTestLength", 1, "decimal", "Mean number of items asked");
        part(atTheta, "bias", 1, "decimal", "Mean estimate minus true theta");
        part(atTheta, "rmse", 1, "decimal", "Root mean squared error");
        part(atTheta, "meanStandardError", 1, "decimal", "Mean standard error of the estimates");
        OperationDefinitionParameterComponent sympson = parts(simulate, "sympsonHetter", "Exposure control (with exposureCap)");
        sympson.setMax("1");
        part(sympson, "exposureCap", 1, "decimal", "The cap asked for");
        OperationDefinitionParameterComponent exposureParameter = part(sympson, "exposureParameter", 0, null,
                "Sympson-Hetter exposure parameter of an item");
        exposureParameter.setMax("*");
        part(exposureParameter, "item", 1, "string", "linkId of the item");
        part(exposureParameter, "value", 1, "decimal", "Probability that the item is administered once selected");

        OperationDefinition share = define(all, "QuestionnaireResponse", "share", Level.INSTANCE, true,
                "Share a response with the care team",
                "The patient (or guardian) shares the completed or amended response [id] with the care team of its service unit"
                        + " and with EHR clients. The decision is kept and returned as an active Consent.");
        resource(share, OperationParameterUse.OUT, "return", 1, "Consent", "The sharing decision (status active)");

        OperationDefinition withdraw = define(all, "QuestionnaireResponse", "withdraw-share", Level.INSTANCE, true,
                "Withdraw sharing of a response",
                "The patient (or guardian) withdraws sharing of the response [id]. The decision is kept and returned as an"
                        + " inactive Consent.");
        resource(withdraw, OperationParameterUse.OUT, "return", 1, "Consent", "The sharing decision (status inactive)");

        OperationDefinition everything = define(all, "Patient", "everything", Level.INSTANCE, false,
                "Everything stored about a patient (GDPR export)",
                "Everything stored about the patient [id] as a collection Bundle: responses with their history, scores,"
                        + " invitations, sharing decisions and the audit trail of their data. GET, or POST with no body or a"
                        + " Parameters resource without parameters. Administrators, the patient, their guardian. See docs/gdpr.md.");
        everything.setBase("http://hl7.org/fhir/OperationDefinition/Patient-everything");
        resource(everything, OperationParameterUse.OUT, "return", 1, "Bundle", "A collection Bundle");

        OperationDefinition erase = define(all, "Patient", "erase", Level.INSTANCE, true,
                "Erase or pseudonymise a patient's data (GDPR)",
                "Erases (default) or pseudonymises everything stored about the patient [id]; the audit trail is kept."
                        + " Administrators only. See docs/gdpr.md.");
        value(erase, OperationParameterUse.IN, "mode", 0, "code", "erase (default) | pseudonymise");
        value(erase, OperationParameterUse.IN, "reason", 0, "string",
                "Why, e.g. the case number of the request (at most 200 characters, no health data)");
        resource(erase, OperationParameterUse.OUT, "return", 1, "OperationOutcome", "What was erased or pseudonymised, counted");
        return all;
    }

    private enum Level { TYPE, INSTANCE }

    private static OperationDefinition define(Map<String, OperationDefinition> all, String resourceType, String code,
                                              Level level, boolean affectsState, String title, String description) {
        String id = resourceType + "-" + code;
        OperationDefinition definition = new OperationDefinition();
        definition.setId(id);
        definition.setUrl(CANONICAL_BASE + id)
                .setVersion(VERSION)
                .setName(camel(id))
                .setTitle(title)
                .setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setKind(OperationKind.OPERATION)
                .setPublisher("Vointi")
                .setDescription(description)
                .setAffectsState(affectsState)
                .setCode(code)
                .setSystem(false)
                .setType(level == Level.TYPE)
                .setInstance(level == Level.INSTANCE);
        definition.addResource(resourceType);
        all.put(id, definition);
        return definition;
    }

    private static void resource(OperationDefinition definition, OperationParameterUse use, String name, int min,
                                 String type, String documentation) {
        value(definition, use, name, min, type, documentation);
    }

    private static void value(OperationDefinition definition, OperationParameterUse use, String name, int min,
                              String type, String documentation) {
        definition.addParameter().setName(name).setUse(use).setMin(min).setMax("1").setType(type)
                .setDocumentation(documentation);
    }

    /** A repeating output parameter made of parts. */
    private static OperationDefinitionParameterComponent parts(OperationDefinition definition, String name, String documentation) {
        return definition.addParameter().setName(name).setUse(OperationParameterUse.OUT).setMin(0).setMax("*")
                .setDocumentation(documentation);
    }

    private static OperationDefinitionParameterComponent part(OperationDefinitionParameterComponent parent, String name, int min,
                                                              String type, String documentation) {
        OperationDefinitionParameterComponent part = parent.addPart().setName(name).setUse(parent.getUse()).setMin(min)
                .setMax("1").setDocumentation(documentation);
        if (type != null) {
            part.setType(type);
        }
        return part;
    }

    /** A computer-friendly name: {@code Patient-withdraw-share} → {@code PatientWithdrawShare}. */
    private static String camel(String id) {
        StringBuilder name = new StringBuilder();
        for (String word : id.split("-")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return name.toString();
    }
}
