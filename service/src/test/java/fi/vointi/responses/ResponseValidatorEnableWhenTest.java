package fi.vointi.responses;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.EnableWhenBehavior;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static fi.vointi.responses.ResponseFixtures.answered;
import static fi.vointi.responses.ResponseFixtures.codesAt;
import static fi.vointi.responses.ResponseFixtures.group;
import static fi.vointi.responses.ResponseFixtures.response;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.EQUAL;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.EXISTS;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.GREATER_OR_EQUAL;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.GREATER_THAN;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.LESS_OR_EQUAL;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.LESS_THAN;
import static org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator.NOT_EQUAL;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ResponseValidatorEnableWhenTest {

    private static final String SNOMED = "http://snomed.info/sct";
    private static final String UCUM = "http://unitsofmeasure.org";

    private final ResponseValidator validator = new ResponseValidator();

    private static QuestionnaireItemComponent question(String linkId, QuestionnaireItemType type) {
        return new QuestionnaireItemComponent().setLinkId(linkId).setType(type);
    }

    private static Coding coding(String system, String code) {
        return new Coding(system, code, null);
    }

    private static Quantity quantity(String value, String ucumCode) {
        return new Quantity().setValue(new java.math.BigDecimal(value)).setSystem(UCUM).setCode(ucumCode).setUnit(ucumCode);
    }

    /**
     * Questionnaire: a repeating "source" question of the given type and a string "target" that is
     * enabled by one condition on source. The target is required so both directions can be observed:
     * an enabled target may be answered and is missed when absent; a disabled one may not be answered.
     */
    private static Questionnaire sourceAndTarget(QuestionnaireItemType sourceType, QuestionnaireItemOperator operator, Type when) {
        Questionnaire questionnaire = new Questionnaire();
        questionnaire.addItem(question("source", sourceType).setRepeats(true));
        if (sourceType == QuestionnaireItemType.CHOICE) {
            questionnaire.getItemFirstRep().setAnswerValueSet("http://example.org/ValueSet/any");
        }
        QuestionnaireItemComponent target = question("target", QuestionnaireItemType.STRING).setRequired(true);
        target.addEnableWhen().setQuestion("source").setOperator(operator).setAnswer(when);
        questionnaire.addItem(target);
        return questionnaire;
    }

    static Stream<Arguments> conditions() {
        return Stream.of(
                // exists
                condition("exists true, answered", QuestionnaireItemType.STRING, EXISTS, new BooleanType(true), true, new StringType("x")),
                condition("exists true, unanswered", QuestionnaireItemType.STRING, EXISTS, new BooleanType(true), false),
                condition("exists false, unanswered", QuestionnaireItemType.STRING, EXISTS, new BooleanType(false), true),
                condition("exists false, answered", QuestionnaireItemType.STRING, EXISTS, new BooleanType(false), false, new StringType("x")),
                // =
                condition("= boolean match", QuestionnaireItemType.BOOLEAN, EQUAL, new BooleanType(true), true, new BooleanType(true)),
                condition("= boolean mismatch", QuestionnaireItemType.BOOLEAN, EQUAL, new BooleanType(true), false, new BooleanType(false)),
                condition("= integer match", QuestionnaireItemType.INTEGER, EQUAL, new IntegerType(3), true, new IntegerType(3)),
                condition("= integer mismatch", QuestionnaireItemType.INTEGER, EQUAL, new IntegerType(3), false, new IntegerType(4)),
                condition("= decimal ignores scale", QuestionnaireItemType.DECIMAL, EQUAL, new DecimalType("2.5"), true, new DecimalType("2.50")),
                condition("= decimal mismatch", QuestionnaireItemType.DECIMAL, EQUAL, new DecimalType("2.5"), false, new DecimalType("2.6")),
                condition("= string match", QuestionnaireItemType.STRING, EQUAL, new StringType("yes"), true, new StringType("yes")),
                condition("= string is case-sensitive", QuestionnaireItemType.STRING, EQUAL, new StringType("yes"), false, new StringType("Yes")),
                condition("= date match", QuestionnaireItemType.DATE, EQUAL, new DateType("2024-03-01"), true, new DateType("2024-03-01")),
                condition("= date mismatch", QuestionnaireItemType.DATE, EQUAL, new DateType("2024-03-01"), false, new DateType("2024-03-02")),
                condition("= dateTime same instant, other zone", QuestionnaireItemType.DATETIME, EQUAL,
                        new DateTimeType("2024-03-01T10:00:00+02:00"), true, new DateTimeType("2024-03-01T08:00:00Z")),
                condition("= dateTime mismatch", QuestionnaireItemType.DATETIME, EQUAL,
                        new DateTimeType("2024-03-01T10:00:00+02:00"), false, new DateTimeType("2024-03-01T10:00:00Z")),
                condition("= time match", QuestionnaireItemType.TIME, EQUAL, new TimeType("08:30:00"), true, new TimeType("08:30:00")),
                condition("= time mismatch", QuestionnaireItemType.TIME, EQUAL, new TimeType("08:30:00"), false, new TimeType("08:31:00")),
                condition("= coding system and code", QuestionnaireItemType.CHOICE, EQUAL, coding(SNOMED, "1"), true, coding(SNOMED, "1")),
                condition("= coding other system", QuestionnaireItemType.CHOICE, EQUAL, coding(SNOMED, "1"), false, coding("http://loinc.org", "1")),
                condition("= coding both without system", QuestionnaireItemType.CHOICE, EQUAL, coding(null, "1"), true, coding(null, "1")),
                condition("= coding only one has system", QuestionnaireItemType.CHOICE, EQUAL, coding(null, "1"), false, coding(SNOMED, "1")),
                condition("= quantity same unit", QuestionnaireItemType.QUANTITY, EQUAL, quantity("70", "kg"), true, quantity("70.0", "kg")),
                condition("= quantity other unit", QuestionnaireItemType.QUANTITY, EQUAL, quantity("70", "kg"), false, quantity("70", "[lb_av]")),
                condition("= any of several answers", QuestionnaireItemType.CHOICE, EQUAL, coding(SNOMED, "2"), true,
                        coding(SNOMED, "1"), coding(SNOMED, "2")),
                condition("= unanswered", QuestionnaireItemType.CHOICE, EQUAL, coding(SNOMED, "2"), false),
                condition("= answer of other type", QuestionnaireItemType.STRING, EQUAL, new IntegerType(1), false, new StringType("1")),
                // !=
                condition("!= no answer equal", QuestionnaireItemType.CHOICE, NOT_EQUAL, coding(SNOMED, "9"), true,
                        coding(SNOMED, "1"), coding(SNOMED, "2")),
                condition("!= one of several equal", QuestionnaireItemType.CHOICE, NOT_EQUAL, coding(SNOMED, "2"), false,
                        coding(SNOMED, "1"), coding(SNOMED, "2")),
                condition("!= unanswered", QuestionnaireItemType.CHOICE, NOT_EQUAL, coding(SNOMED, "2"), true),
                condition("!= boolean", QuestionnaireItemType.BOOLEAN, NOT_EQUAL, new BooleanType(true), true, new BooleanType(false)),
                // > < >= <=
                condition("> integer above", QuestionnaireItemType.INTEGER, GREATER_THAN, new IntegerType(3), true, new IntegerType(5)),
                condition("> integer equal", QuestionnaireItemType.INTEGER, GREATER_THAN, new IntegerType(3), false, new IntegerType(3)),
                condition("> decimal against integer", QuestionnaireItemType.INTEGER, GREATER_THAN, new DecimalType("2.5"), true, new IntegerType(3)),
                condition("> any of several answers", QuestionnaireItemType.INTEGER, GREATER_THAN, new IntegerType(3), true,
                        new IntegerType(1), new IntegerType(4)),
                condition("> dateTime later instant", QuestionnaireItemType.DATETIME, GREATER_THAN,
                        new DateTimeType("2024-03-01T09:00:00Z"), true, new DateTimeType("2024-03-01T12:00:00+02:00")),
                condition("> dateTime earlier instant despite later clock", QuestionnaireItemType.DATETIME, GREATER_THAN,
                        new DateTimeType("2024-03-01T09:00:00Z"), false, new DateTimeType("2024-03-01T10:00:00+02:00")),
                condition("> quantity same unit", QuestionnaireItemType.QUANTITY, GREATER_THAN, quantity("100", "kg"), true, quantity("120", "kg")),
                condition("> quantity other unit", QuestionnaireItemType.QUANTITY, GREATER_THAN, quantity("100", "kg"), false, quantity("220", "[lb_av]")),
                condition("> coding is unordered", QuestionnaireItemType.CHOICE, GREATER_THAN, coding(SNOMED, "1"), false, coding(SNOMED, "2")),
                condition("> string is unordered", QuestionnaireItemType.STRING, GREATER_THAN, new StringType("a"), false, new StringType("b")),
                condition("< decimal below", QuestionnaireItemType.DECIMAL, LESS_THAN, new DecimalType("2"), true, new DecimalType("1.5")),
                condition("< decimal equal", QuestionnaireItemType.DECIMAL, LESS_THAN, new DecimalType("2"), false, new DecimalType("2.0")),
                condition("< unanswered", QuestionnaireItemType.DECIMAL, LESS_THAN, new DecimalType("2"), false),
                condition(">= date equal", QuestionnaireItemType.DATE, GREATER_OR_EQUAL, new DateType("2024-03-01"), true, new DateType("2024-03-01")),
                condition(">= date later", QuestionnaireItemType.DATE, GREATER_OR_EQUAL, new DateType("2024-03-01"), true, new DateType("2025-01-01")),
                condition(">= date earlier", QuestionnaireItemType.DATE, GREATER_OR_EQUAL, new DateType("2024-03-01"), false, new DateType("2024-02-29")),
                condition(">= partial date is not comparable", QuestionnaireItemType.DATE, GREATER_OR_EQUAL,
                        new DateType("2024-03-15"), false, new DateType("2024-03")),
                condition(">= partial date decided by month", QuestionnaireItemType.DATE, GREATER_OR_EQUAL,
                        new DateType("2024-03-15"), true, new DateType("2024-04")),
                condition("<= time equal", QuestionnaireItemType.TIME, LESS_OR_EQUAL, new TimeType("12:00:00"), true, new TimeType("12:00:00")),
                condition("<= time later", QuestionnaireItemType.TIME, LESS_OR_EQUAL, new TimeType("12:00:00"), false, new TimeType("12:00:01")));
    }

    private static Arguments condition(String name, QuestionnaireItemType sourceType, QuestionnaireItemOperator operator,
                                       Type when, boolean enabled, Type... sourceAnswers) {
        return Arguments.of(Named.of(name, sourceType), operator, when, enabled, sourceAnswers);
    }

    /** The source item as sent: omitted entirely when it has no answers, as FHIR asks. */
    private static List<QuestionnaireResponseItemComponent> sourceItems(Type[] sourceAnswers) {
        List<QuestionnaireResponseItemComponent> items = new ArrayList<>();
        if (sourceAnswers.length > 0) {
            items.add(answered("source", sourceAnswers));
        }
        return items;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void answeringTheTargetIsAllowedOnlyWhenEnabled(QuestionnaireItemType sourceType, QuestionnaireItemOperator operator,
                                                    Type when, boolean enabled, Type[] sourceAnswers) {
        QuestionnaireResponse response = response(INPROGRESS);
        sourceItems(sourceAnswers).forEach(response::addItem);
        response.addItem(answered("target", new StringType("answer")));
        String targetPath = "QuestionnaireResponse.item[" + (response.getItem().size() - 1) + "]";

        List<ResponseIssue> issues = validator.validate(sourceAndTarget(sourceType, operator, when), response);

        assertEquals(enabled ? List.of() : List.of("business-rule@" + targetPath), codesAt(issues));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void omittingTheTargetIsAllowedOnlyWhenDisabled(QuestionnaireItemType sourceType, QuestionnaireItemOperator operator,
                                                    Type when, boolean enabled, Type[] sourceAnswers) {
        QuestionnaireResponse response = response(COMPLETED);
        sourceItems(sourceAnswers).forEach(response::addItem);

        List<ResponseIssue> issues = validator.validate(sourceAndTarget(sourceType, operator, when), response);

        assertEquals(enabled ? List.of("required@QuestionnaireResponse") : List.of(), codesAt(issues));
    }

    @Nested
    class Behaviour {

        /** "a" and "b" are booleans; "target" depends on a = true and b = true with the given behaviour. */
        private Questionnaire twoConditions(EnableWhenBehavior behaviour) {
            Questionnaire questionnaire = new Questionnaire();
            questionnaire.addItem(question("a", QuestionnaireItemType.BOOLEAN));
            questionnaire.addItem(question("b", QuestionnaireItemType.BOOLEAN));
            QuestionnaireItemComponent target = question("target", QuestionnaireItemType.STRING);
            target.addEnableWhen().setQuestion("a").setOperator(EQUAL).setAnswer(new BooleanType(true));
            target.addEnableWhen().setQuestion("b").setOperator(EQUAL).setAnswer(new BooleanType(true));
            if (behaviour != null) {
                target.setEnableBehavior(behaviour);
            }
            questionnaire.addItem(target);
            return questionnaire;
        }

        private List<String> answerTarget(EnableWhenBehavior behaviour, boolean a, boolean b) {
            return codesAt(validator.validate(twoConditions(behaviour), response(INPROGRESS,
                    answered("a", new BooleanType(a)), answered("b", new BooleanType(b)),
                    answered("target", new StringType("t")))));
        }

        private static final List<String> DISABLED = List.of("business-rule@QuestionnaireResponse.item[2]");

        @Test
        void anyNeedsOneConditionToHold() {
            assertEquals(List.of(), answerTarget(EnableWhenBehavior.ANY, true, false));
            assertEquals(List.of(), answerTarget(EnableWhenBehavior.ANY, false, true));
            assertEquals(DISABLED, answerTarget(EnableWhenBehavior.ANY, false, false));
        }

        @Test
        void allNeedsEveryConditionToHold() {
            assertEquals(List.of(), answerTarget(EnableWhenBehavior.ALL, true, true));
            assertEquals(DISABLED, answerTarget(EnableWhenBehavior.ALL, true, false));
        }

        @Test
        void severalConditionsWithoutBehaviourMeanAll() {
            assertEquals(List.of(), answerTarget(null, true, true));
            assertEquals(DISABLED, answerTarget(null, false, true));
        }

        @Test
        void disabledMessageNamesTheItem() {
            List<ResponseIssue> issues = validator.validate(twoConditions(EnableWhenBehavior.ALL), response(INPROGRESS,
                    answered("target", new StringType("t"))));

            assertEquals(List.of(ResponseIssue.error("business-rule", "QuestionnaireResponse.item[0]",
                    "Item 'target': answered although disabled by enableWhen")), issues);
        }
    }

    @Nested
    class Scope {

        /**
         * "sex" at top level; repeating group "episode" with "episode.severe" and "episode.details"
         * (required, enabled when the same episode is severe); group "pregnancy" (enabled when sex = female)
         * with a required "pregnancy.weeks"; and "followUp" inside group "plan" that depends on the top-level "sex".
         */
        private final Questionnaire questionnaire = ResponseFixtures.parseQuestionnaire("""
                {
                  "resourceType": "Questionnaire",
                  "status": "active",
                  "item": [
                    { "linkId": "sex", "type": "choice", "answerOption": [
                      { "valueCoding": { "system": "http://hl7.org/fhir/administrative-gender", "code": "female" } },
                      { "valueCoding": { "system": "http://hl7.org/fhir/administrative-gender", "code": "male" } } ] },
                    { "linkId": "episode", "type": "group", "repeats": true, "item": [
                      { "linkId": "episode.severe", "type": "boolean" },
                      { "linkId": "episode.details", "type": "string", "required": true,
                        "enableWhen": [ { "question": "episode.severe", "operator": "=", "answerBoolean": true } ] } ] },
                    { "linkId": "pregnancy", "type": "group",
                      "enableWhen": [ { "question": "sex", "operator": "=",
                        "answerCoding": { "system": "http://hl7.org/fhir/administrative-gender", "code": "female" } } ],
                      "item": [
                        { "linkId": "pregnancy.weeks", "type": "integer", "required": true },
                        { "linkId": "pregnancy.notes", "type": "group", "item": [
                          { "linkId": "pregnancy.notes.text", "type": "string" } ] } ] },
                    { "linkId": "plan", "type": "group", "item": [
                      { "linkId": "followUp", "type": "boolean",
                        "enableWhen": [ { "question": "sex", "operator": "exists", "answerBoolean": true } ] } ] }
                  ]
                }
                """);

        private QuestionnaireResponseItemComponent sex(String code) {
            return answered("sex", coding("http://hl7.org/fhir/administrative-gender", code));
        }

        private QuestionnaireResponseItemComponent episode(boolean severe, String details) {
            QuestionnaireResponseItemComponent episode = group("episode", answered("episode.severe", new BooleanType(severe)));
            if (details != null) {
                episode.addItem(answered("episode.details", new StringType(details)));
            }
            return episode;
        }

        @Test
        void eachRepeatingGroupInstanceUsesItsOwnAnswers() {
            List<ResponseIssue> issues = validator.validate(questionnaire, response(COMPLETED,
                    episode(true, "bad"), episode(false, "should not be here"), episode(true, null), episode(false, null)));

            assertEquals(List.of("business-rule@QuestionnaireResponse.item[1].item[1]",
                    "required@QuestionnaireResponse.item[2]"), codesAt(issues));
        }

        @Test
        void questionOutsideTheGroupIsFoundAnywhereInTheResponse() {
            assertEquals(List.of(), validator.validate(questionnaire, response(COMPLETED,
                    sex("male"), group("plan", answered("followUp", new BooleanType(true))))));
            assertEquals(List.of("business-rule@QuestionnaireResponse.item[0].item[0]"),
                    codesAt(validator.validate(questionnaire, response(COMPLETED,
                            group("plan", answered("followUp", new BooleanType(true)))))));
        }

        @Test
        void enabledGroupAppliesItsRequiredChildren() {
            assertEquals(List.of(), validator.validate(questionnaire, response(COMPLETED,
                    sex("female"), group("pregnancy", answered("pregnancy.weeks", new IntegerType(12))))));
            assertEquals(List.of("required@QuestionnaireResponse.item[1]"),
                    codesAt(validator.validate(questionnaire, response(COMPLETED,
                            sex("female"), group("pregnancy", group("pregnancy.notes",
                                    answered("pregnancy.notes.text", new StringType("ok"))))))));
        }

        @Test
        void disabledGroupIsReportedOnceForAllItsAnsweredDescendants() {
            List<ResponseIssue> issues = validator.validate(questionnaire, response(COMPLETED,
                    sex("male"),
                    group("pregnancy",
                            answered("pregnancy.weeks", new IntegerType(12)),
                            group("pregnancy.notes", answered("pregnancy.notes.text", new StringType("x"))))));

            assertEquals(List.of(ResponseIssue.error("business-rule", "QuestionnaireResponse.item[1]",
                    "Item 'pregnancy': answered although disabled by enableWhen")), issues);
        }

        @Test
        void requiredChildrenOfDisabledGroupAreNotRequired() {
            List<ResponseIssue> issues = validator.validate(questionnaire, response(COMPLETED,
                    sex("male"), group("pregnancy", group("pregnancy.notes", answered("pregnancy.notes.text", new StringType("x"))))));

            // Only the disabled group itself is reported, not its missing required pregnancy.weeks.
            assertEquals(List.of("business-rule@QuestionnaireResponse.item[1]"), codesAt(issues));
        }
    }
}
