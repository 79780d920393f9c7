package fi.vointi.responses;

import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static fi.vointi.responses.ResponseFixtures.answered;
import static fi.vointi.responses.ResponseFixtures.answeredWithChildren;
import static fi.vointi.responses.ResponseFixtures.codesAt;
import static fi.vointi.responses.ResponseFixtures.group;
import static fi.vointi.responses.ResponseFixtures.response;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseValidatorTest {

    private static final String MOOD_SYSTEM = "http://example.org/mood";
    private static final String COLOUR_SYSTEM = "http://example.org/colour";

    /** One questionnaire exercising every item type, nesting style and limit the validator knows about. */
    static final Questionnaire WELLBEING = ResponseFixtures.parseQuestionnaire("""
            {
              "resourceType": "Questionnaire",
              "url": "http://example.org/Questionnaire/wellbeing",
              "status": "active",
              "item": [
                { "linkId": "intro", "type": "display", "text": "Welcome" },
                { "linkId": "consent", "type": "boolean", "required": true, "text": "I agree" },
                { "linkId": "name", "type": "string", "maxLength": 10 },
                { "linkId": "age", "type": "integer",
                  "extension": [
                    { "url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0 },
                    { "url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 120 } ] },
                { "linkId": "weight", "type": "decimal",
                  "extension": [
                    { "url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 0.5 },
                    { "url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": 500 } ] },
                { "linkId": "birthDate", "type": "date" },
                { "linkId": "visit", "type": "dateTime" },
                { "linkId": "wakeUp", "type": "time" },
                { "linkId": "notes", "type": "text", "maxLength": 20 },
                { "linkId": "homepage", "type": "url" },
                { "linkId": "photo", "type": "attachment" },
                { "linkId": "doctor", "type": "reference" },
                { "linkId": "height", "type": "quantity" },
                { "linkId": "mood", "type": "group", "required": true, "item": [
                  { "linkId": "mood.1", "type": "choice", "required": true, "answerOption": [
                    { "valueCoding": { "system": "http://example.org/mood", "code": "happy" } },
                    { "valueCoding": { "system": "http://example.org/mood", "code": "sad" } } ] },
                  { "linkId": "mood.2", "type": "choice", "answerOption": [
                    { "valueCoding": { "code": "a" } },
                    { "valueCoding": { "code": "b" } } ] },
                  { "linkId": "mood.3", "type": "choice", "answerOption": [
                    { "valueInteger": 1 }, { "valueInteger": 2 }, { "valueInteger": 3 } ] },
                  { "linkId": "mood.4", "type": "open-choice", "answerOption": [
                    { "valueCoding": { "system": "http://example.org/colour", "code": "red" } },
                    { "valueCoding": { "system": "http://example.org/colour", "code": "blue" } } ] },
                  { "linkId": "mood.5", "type": "choice", "answerValueSet": "http://example.org/ValueSet/feelings" },
                  { "linkId": "mood.detail", "type": "group", "item": [
                    { "linkId": "mood.detail.why", "type": "text", "required": true } ] } ] },
                { "linkId": "smoker", "type": "boolean", "item": [
                  { "linkId": "smoker.packs", "type": "integer", "required": true,
                    "enableWhen": [ { "question": "smoker", "operator": "=", "answerBoolean": true } ] } ] },
                { "linkId": "medication", "type": "group", "repeats": true, "item": [
                  { "linkId": "medication.name", "type": "string", "required": true },
                  { "linkId": "medication.dose", "type": "decimal" } ] },
                { "linkId": "symptoms", "type": "choice", "repeats": true, "answerOption": [
                  { "valueString": "cough" }, { "valueString": "fever" } ] },
                { "linkId": "appointment", "type": "choice", "answerOption": [
                  { "valueDate": "2024-06-01" }, { "valueDate": "2024-06-02" } ] },
                { "linkId": "slot", "type": "choice", "answerOption": [
                  { "valueTime": "09:00:00" }, { "valueTime": "13:30:00" } ] },
                { "linkId": "clinic", "type": "choice", "answerOption": [
                  { "valueReference": { "reference": "Organization/north" } },
                  { "valueReference": { "reference": "Organization/south" } } ] }
              ]
            }
            """);

    private final ResponseValidator validator = new ResponseValidator();

    private List<ResponseIssue> validate(QuestionnaireResponse response) {
        return validator.validate(WELLBEING, response);
    }

    /** The smallest response that satisfies every required item: consent and the mood group with mood.1. */
    private static QuestionnaireResponseItemComponent consent() {
        return answered("consent", new BooleanType(true));
    }

    private static QuestionnaireResponseItemComponent mood() {
        return group("mood", answered("mood.1", new Coding(MOOD_SYSTEM, "happy", null)));
    }

    private static Coding coding(String system, String code) {
        return new Coding(system, code, null);
    }

    @Nested
    class ValidResponses {

        @Test
        void minimalCompletedResponseHasNoIssues() {
            assertEquals(List.of(), validate(response(COMPLETED, consent(), mood())));
        }

        @Test
        void completedResponseAnsweringEveryItemHasNoIssues() {
            QuestionnaireResponse full = response(COMPLETED,
                    group("intro"),
                    consent(),
                    answered("name", new StringType("Aino")),
                    answered("age", new IntegerType(42)),
                    answered("weight", new DecimalType("71.5")),
                    answered("birthDate", new DateType("1982-04-03")),
                    answered("visit", new DateTimeType("2024-05-17T10:15:00+03:00")),
                    answered("wakeUp", new TimeType("06:45:00")),
                    answered("notes", new StringType("Slept well")),
                    answered("homepage", new UriType("https://example.org/aino")),
                    answered("photo", new Attachment().setContentType("image/png").setUrl("https://example.org/p.png")),
                    answered("doctor", new Reference("Practitioner/7")),
                    answered("height", new Quantity().setValue(172).setUnit("cm")
                            .setSystem("http://unitsofmeasure.org").setCode("cm")),
                    group("mood",
                            answered("mood.1", coding(MOOD_SYSTEM, "sad")),
                            answered("mood.2", coding(null, "b")),
                            answered("mood.3", new IntegerType(2)),
                            answered("mood.4", new StringType("green")),
                            answered("mood.5", coding("http://example.org/feelings", "calm")),
                            group("mood.detail", answered("mood.detail.why", new StringType("Sunny day")))),
                    answeredWithChildren("smoker", new BooleanType(true), answered("smoker.packs", new IntegerType(1))),
                    group("medication", answered("medication.name", new StringType("Ibuprofen")),
                            answered("medication.dose", new DecimalType("400"))),
                    group("medication", answered("medication.name", new StringType("Melatonin"))),
                    answered("symptoms", new StringType("cough"), new StringType("fever")),
                    answered("appointment", new DateType("2024-06-02")),
                    answered("slot", new TimeType("13:30:00")),
                    answered("clinic", new Reference("Organization/north")));

            assertEquals(List.of(), validate(full));
        }

        @Test
        void itemTextIsNotComparedWithTheQuestionnaire() {
            QuestionnaireResponseItemComponent localisedConsent = consent().setText("Hyväksyn");

            assertEquals(List.of(), validate(response(COMPLETED, localisedConsent, mood())));
        }

        @Test
        void displayItemWithoutAnswersOrChildrenIsAllowed() {
            assertEquals(List.of(), validate(response(INPROGRESS, group("intro").setText("Welcome"))));
        }

        @Test
        void concurrentValidationsAgainstASharedQuestionnaireAgree() throws Exception {
            QuestionnaireResponse invalid = response(COMPLETED, mood(), answered("age", new IntegerType(200)));
            List<ResponseIssue> expected = validate(invalid);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<ResponseIssue>>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    // Each task builds its own response; the questionnaire and validator are shared.
                    results.add(pool.submit(() -> validate(response(COMPLETED, mood(), answered("age", new IntegerType(200))))));
                }
                for (Future<List<ResponseIssue>> result : results) {
                    assertEquals(expected, result.get(10, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of("value@QuestionnaireResponse.item[1].answer[0]", "required@QuestionnaireResponse"),
                    codesAt(expected));
        }

        @Test
        void validatorIsReusableAcrossCalls() {
            QuestionnaireResponse invalid = response(INPROGRESS, answered("age", new IntegerType(200)));

            assertEquals(validate(invalid), validate(invalid));
            assertEquals(List.of(), validate(response(INPROGRESS, answered("age", new IntegerType(20)))));
        }
    }

    @Nested
    class LinkIds {

        @Test
        void unknownLinkIdIsNotFound() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, answered("shoeSize", new IntegerType(42))));

            assertEquals(List.of(ResponseIssue.error("not-found", "QuestionnaireResponse.item[0]",
                    "Item 'shoeSize': linkId is not defined in the questionnaire")), issues);
        }

        @Test
        void childLinkIdAtTopLevelIsMisplaced() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, answered("mood.1", coding(MOOD_SYSTEM, "happy"))));

            assertEquals(List.of(ResponseIssue.error("structure", "QuestionnaireResponse.item[0]",
                    "Item 'mood.1' is not allowed here; the questionnaire defines it under item 'mood'")), issues);
        }

        @Test
        void topLevelLinkIdInsideGroupIsMisplaced() {
            List<ResponseIssue> issues = validate(response(INPROGRESS,
                    group("mood", answered("mood.1", coding(MOOD_SYSTEM, "happy")), answered("age", new IntegerType(3)))));

            assertEquals(List.of(ResponseIssue.error("structure", "QuestionnaireResponse.item[0].item[1]",
                    "Item 'age' is not allowed here; the questionnaire defines it at the top level")), issues);
        }

        @Test
        void grandchildMustSitUnderItsOwnParentGroup() {
            // mood.detail.why belongs in mood.detail, not directly in mood.
            List<ResponseIssue> issues = validate(response(INPROGRESS,
                    group("mood", answered("mood.detail.why", new StringType("x")))));

            assertEquals(List.of("structure@QuestionnaireResponse.item[0].item[0]"), codesAt(issues));
        }

        @Test
        void childOfQuestionIsFoundUnderItsAnswer() {
            QuestionnaireResponse nested = response(INPROGRESS,
                    answeredWithChildren("smoker", new BooleanType(true), answered("smoker.packs", new IntegerType(2))));

            assertEquals(List.of(), validate(nested));
        }

        @Test
        void answerItemsAreCheckedAgainstTheQuestionsChildren() {
            QuestionnaireResponse nested = response(INPROGRESS,
                    answeredWithChildren("smoker", new BooleanType(true), answered("age", new IntegerType(2))));

            assertEquals(List.of("structure@QuestionnaireResponse.item[0].answer[0].item[0]"), codesAt(validate(nested)));
        }

        @Test
        void itemWithoutLinkIdIsReported() {
            QuestionnaireResponse noLinkId = response(INPROGRESS, new QuestionnaireResponseItemComponent());

            assertEquals(List.of("required@QuestionnaireResponse.item[0]"), codesAt(validate(noLinkId)));
        }
    }

    @Nested
    class Repetition {

        @Test
        void nonRepeatingGroupTwiceIsReportedAtTheSecondOccurrence() {
            List<ResponseIssue> issues = validate(response(COMPLETED, consent(), mood(), mood()));

            assertEquals(List.of(ResponseIssue.error("structure", "QuestionnaireResponse.item[2]",
                    "Item 'mood' occurs more than once at this level but the questionnaire item does not repeat")), issues);
        }

        @Test
        void nonRepeatingQuestionTwiceIsReported() {
            List<ResponseIssue> issues = validate(response(INPROGRESS,
                    answered("age", new IntegerType(1)), answered("name", new StringType("a")), answered("age", new IntegerType(2))));

            assertEquals(List.of("structure@QuestionnaireResponse.item[2]"), codesAt(issues));
        }

        @Test
        void repeatingGroupMayOccurSeveralTimes() {
            List<ResponseIssue> issues = validate(response(INPROGRESS,
                    group("medication", answered("medication.name", new StringType("A"))),
                    group("medication", answered("medication.name", new StringType("B")))));

            assertEquals(List.of(), issues);
        }

        @Test
        void nonRepeatingQuestionWithTwoAnswersIsReported() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, answered("age", new IntegerType(1), new IntegerType(2))));

            assertEquals(List.of(ResponseIssue.error("structure", "QuestionnaireResponse.item[0]",
                    "Item 'age' has 2 answers but the question does not repeat")), issues);
        }

        @Test
        void repeatingQuestionAcceptsSeveralAnswers() {
            assertEquals(List.of(), validate(response(INPROGRESS,
                    answered("symptoms", new StringType("cough"), new StringType("fever")))));
        }
    }

    @Nested
    class ItemShape {

        @Test
        void groupWithAnswerIsReported() {
            QuestionnaireResponseItemComponent groupWithAnswer = mood();
            groupWithAnswer.addAnswer().setValue(new StringType("oops"));

            assertEquals(List.of("structure@QuestionnaireResponse.item[0]"),
                    codesAt(validate(response(INPROGRESS, groupWithAnswer))));
        }

        @Test
        void groupWithoutChildItemsIsReported() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, group("medication")));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse.item[0]",
                    "Item 'medication': group present without child items")), issues);
        }

        @Test
        void displayItemWithAnswerIsReported() {
            assertEquals(List.of("structure@QuestionnaireResponse.item[0]"),
                    codesAt(validate(response(INPROGRESS, answered("intro", new StringType("hi"))))));
        }

        @Test
        void displayItemWithChildrenIsReported() {
            assertEquals(List.of("structure@QuestionnaireResponse.item[0]"),
                    codesAt(validate(response(INPROGRESS, group("intro", answered("name", new StringType("x")))))));
        }

        @Test
        void questionWithChildrenUnderItemInsteadOfAnswerIsReported() {
            List<ResponseIssue> issues = validate(response(INPROGRESS,
                    group("smoker", answered("smoker.packs", new IntegerType(1)))));

            assertEquals(List.of(ResponseIssue.error("structure", "QuestionnaireResponse.item[0]",
                    "Item 'smoker' is a question; its nested items belong under answer.item, not item")), issues);
        }

        @Test
        void questionWithBothAnswersAndItemsBreaksQrs1() {
            QuestionnaireResponseItemComponent both = answered("smoker", new BooleanType(true));
            both.addItem(answered("smoker.packs", new IntegerType(1)));

            assertEquals(List.of("invariant@QuestionnaireResponse.item[0]"),
                    codesAt(validate(response(INPROGRESS, both))));
        }

        @Test
        void questionWithoutAnswerIsReported() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, answered("name")));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse.item[0]",
                    "Item 'name': item present without answer")), issues);
        }

        @Test
        void answerWithoutValueIsReported() {
            QuestionnaireResponseItemComponent emptyAnswer = answered("name");
            emptyAnswer.addAnswer();

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse.item[0].answer[0]",
                    "Item 'name': answer has no value")), validate(response(INPROGRESS, emptyAnswer)));
        }
    }

    @Nested
    class AnswerTypes {

        static Stream<Arguments> simpleTypes() {
            return Stream.of(
                    Arguments.of("consent", new BooleanType(true), new StringType("yes"), "valueBoolean"),
                    Arguments.of("age", new IntegerType(5), new DecimalType("5.0"), "valueInteger"),
                    Arguments.of("weight", new DecimalType("70.2"), new IntegerType(70), "valueDecimal"),
                    Arguments.of("birthDate", new DateType("2000-01-01"), new DateTimeType("2000-01-01T00:00:00Z"), "valueDate"),
                    Arguments.of("visit", new DateTimeType("2024-01-01T08:00:00Z"), new DateType("2024-01-01"), "valueDateTime"),
                    Arguments.of("wakeUp", new TimeType("07:00:00"), new StringType("07:00"), "valueTime"),
                    Arguments.of("name", new StringType("Eero"), new IntegerType(1), "valueString"),
                    Arguments.of("notes", new StringType("fine"), new Coding(null, "fine", null), "valueString"),
                    Arguments.of("homepage", new UriType("https://example.org"), new StringType("https://example.org"), "valueUri"),
                    Arguments.of("photo", new Attachment().setUrl("https://example.org/a.png"), new UriType("https://example.org/a.png"), "valueAttachment"),
                    Arguments.of("doctor", new Reference("Practitioner/1"), new StringType("Practitioner/1"), "valueReference"),
                    Arguments.of("height", new Quantity(180), new DecimalType("180"), "valueQuantity"));
        }

        @ParameterizedTest(name = "{0} accepts {3}")
        @MethodSource("simpleTypes")
        void matchingValueTypeIsAccepted(String linkId, Type right, Type wrong, String expectedElement) {
            assertEquals(List.of(), validate(response(INPROGRESS, answered(linkId, right))));
        }

        @ParameterizedTest(name = "{0} rejects {2}")
        @MethodSource("simpleTypes")
        void otherValueTypeIsRejected(String linkId, Type right, Type wrong, String expectedElement) {
            List<ResponseIssue> issues = validate(response(INPROGRESS, answered(linkId, wrong)));

            assertEquals(List.of("value@QuestionnaireResponse.item[0].answer[0]"), codesAt(issues));
            assertTrue(issues.get(0).message().endsWith("(expects " + expectedElement + ")"), issues.get(0).message());
        }

        @Test
        void wrongTypeMessageNamesLinkIdAndBothTypes() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, group("mood", answered("mood.2", new StringType("a")))));

            assertEquals(List.of(ResponseIssue.error("value", "QuestionnaireResponse.item[0].item[0].answer[0]",
                    "Item 'mood.2': answer is valueString but the question type is choice (expects valueCoding)")), issues);
        }

        @Test
        void openChoiceMessageListsCodingOrString() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, group("mood", answered("mood.4", new IntegerType(1)))));

            assertEquals("Item 'mood.4': answer is valueInteger but the question type is open-choice"
                    + " (expects valueCoding or valueString)", issues.get(0).message());
        }
    }

    @Nested
    class AnswerOptions {

        private List<String> moodAnswer(String linkId, Type value) {
            return codesAt(validate(response(INPROGRESS, group("mood", answered(linkId, value)))));
        }

        private static final String ANSWER = "QuestionnaireResponse.item[0].item[0].answer[0]";

        @Test
        void codingWithSystemMatchesOnSystemAndCode() {
            assertEquals(List.of(), moodAnswer("mood.1", coding(MOOD_SYSTEM, "happy")));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.1", coding(MOOD_SYSTEM, "angry")));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.1", coding("http://other.org", "happy")));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.1", coding(null, "happy")));
        }

        @Test
        void codingWithoutSystemMatchesOptionWithoutSystem() {
            assertEquals(List.of(), moodAnswer("mood.2", coding(null, "a")));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.2", coding("http://example.org/x", "a")));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.2", coding(null, "c")));
        }

        @Test
        void notAnOptionMessageNamesTheAnswer() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, group("mood", answered("mood.1", coding(MOOD_SYSTEM, "angry")))));

            assertEquals("Item 'mood.1': answer http://example.org/mood|angry is not one of the question's answer options",
                    issues.get(0).message());
        }

        @Test
        void displayOfCodingIsIgnoredWhenMatching() {
            assertEquals(List.of(), moodAnswer("mood.1", new Coding(MOOD_SYSTEM, "happy", "Iloinen")));
        }

        @Test
        void integerOptionsMatchByValue() {
            assertEquals(List.of(), moodAnswer("mood.3", new IntegerType(3)));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.3", new IntegerType(4)));
            assertEquals(List.of("value@" + ANSWER), moodAnswer("mood.3", coding(null, "3")));
        }

        @Test
        void stringOptionsMatchByValue() {
            assertEquals(List.of(), codesAt(validate(response(INPROGRESS, answered("symptoms", new StringType("fever"))))));
            assertEquals(List.of("code-invalid@QuestionnaireResponse.item[0].answer[1]"),
                    codesAt(validate(response(INPROGRESS, answered("symptoms", new StringType("cough"), new StringType("Cough"))))));
        }

        @Test
        void dateTimeAndReferenceOptionsMatchByValue() {
            assertEquals(List.of(), codesAt(validate(response(INPROGRESS,
                    answered("appointment", new DateType("2024-06-01")),
                    answered("slot", new TimeType("09:00:00")),
                    answered("clinic", new Reference("Organization/south"))))));
            assertEquals(List.of("code-invalid@QuestionnaireResponse.item[0].answer[0]",
                            "code-invalid@QuestionnaireResponse.item[1].answer[0]",
                            "code-invalid@QuestionnaireResponse.item[2].answer[0]"),
                    codesAt(validate(response(INPROGRESS,
                            answered("appointment", new DateType("2024-06-03")),
                            answered("slot", new TimeType("09:30:00")),
                            answered("clinic", new Reference("Organization/east"))))));
        }

        @Test
        void openChoiceAcceptsFreeTextAndListedCodings() {
            assertEquals(List.of(), moodAnswer("mood.4", new StringType("turquoise")));
            assertEquals(List.of(), moodAnswer("mood.4", coding(COLOUR_SYSTEM, "blue")));
        }

        @Test
        void openChoiceCodingMustStillBeAnOption() {
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.4", coding(COLOUR_SYSTEM, "green")));
        }

        @Test
        void valueSetChoiceAcceptsAnyCodeButRequiresOne() {
            // Membership in answerValueSet is deliberately not checked (no terminology service).
            assertEquals(List.of(), moodAnswer("mood.5", coding("http://anything.org", "whatever")));
            assertEquals(List.of("code-invalid@" + ANSWER), moodAnswer("mood.5", new Coding().setSystem("http://anything.org").setDisplay("no code")));
            assertEquals(List.of("value@" + ANSWER), moodAnswer("mood.5", new StringType("calm")));
        }
    }

    @Nested
    class Limits {

        @Test
        void stringAtMaxLengthIsAccepted() {
            assertEquals(List.of(), validate(response(INPROGRESS, answered("name", new StringType("abcdefghij")))));
        }

        @Test
        void stringOverMaxLengthIsRejected() {
            List<ResponseIssue> issues = validate(response(INPROGRESS, answered("name", new StringType("abcdefghijk"))));

            assertEquals(List.of(ResponseIssue.error("value", "QuestionnaireResponse.item[0].answer[0]",
                    "Item 'name': answer is 11 characters long but maxLength is 10")), issues);
        }

        @Test
        void maxLengthCountsCharactersNotUtf16Units() {
            String tenEmoji = "😀".repeat(10);

            assertEquals(List.of(), validate(response(INPROGRESS, answered("name", new StringType(tenEmoji)))));
        }

        @Test
        void textItemsHonourMaxLengthToo() {
            assertEquals(List.of("value@QuestionnaireResponse.item[0].answer[0]"),
                    codesAt(validate(response(INPROGRESS, answered("notes", new StringType("x".repeat(21)))))));
            assertEquals(List.of(), validate(response(INPROGRESS, answered("notes", new StringType("x".repeat(20))))));
        }

        @Test
        void integerWithinBoundsIsAccepted() {
            assertEquals(List.of(), validate(response(INPROGRESS, answered("age", new IntegerType(0)))));
            assertEquals(List.of(), validate(response(INPROGRESS, answered("age", new IntegerType(120)))));
        }

        @Test
        void integerOutsideBoundsIsRejected() {
            assertEquals(List.of(ResponseIssue.error("value", "QuestionnaireResponse.item[0].answer[0]",
                    "Item 'age': answer -1 is below the minimum 0")),
                    validate(response(INPROGRESS, answered("age", new IntegerType(-1)))));
            assertEquals(List.of(ResponseIssue.error("value", "QuestionnaireResponse.item[0].answer[0]",
                    "Item 'age': answer 121 is above the maximum 120")),
                    validate(response(INPROGRESS, answered("age", new IntegerType(121)))));
        }

        @Test
        void decimalBoundsAreComparedNumerically() {
            assertEquals(List.of(), validate(response(INPROGRESS, answered("weight", new DecimalType("0.50")))));
            assertEquals(List.of(), validate(response(INPROGRESS, answered("weight", new DecimalType("500.000")))));
            assertEquals(List.of("value@QuestionnaireResponse.item[0].answer[0]"),
                    codesAt(validate(response(INPROGRESS, answered("weight", new DecimalType("0.49"))))));
            assertEquals(List.of("value@QuestionnaireResponse.item[0].answer[0]"),
                    codesAt(validate(response(INPROGRESS, answered("weight", new DecimalType(new BigDecimal("500.01")))))));
        }
    }

    @Nested
    class Required {

        @Test
        void missingTopLevelRequiredItemIsReportedOnTheResponse() {
            List<ResponseIssue> issues = validate(response(COMPLETED, mood()));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse",
                    "Required item 'consent' is missing")), issues);
        }

        @Test
        void amendedResponsesAreCheckedLikeCompletedOnes() {
            assertEquals(List.of("required@QuestionnaireResponse"), codesAt(validate(response(AMENDED, consent()))));
        }

        @ParameterizedTest
        @EnumSource(value = QuestionnaireResponseStatus.class, names = {"INPROGRESS", "STOPPED", "ENTEREDINERROR"})
        void unfinishedResponsesMayLeaveRequiredItemsOut(QuestionnaireResponseStatus status) {
            assertEquals(List.of(), validate(response(status, group("mood", answered("mood.2", coding(null, "a"))))));
        }

        @Test
        void missingRequiredGroupIsReportedOnceWithoutItsChildren() {
            List<ResponseIssue> issues = validate(response(COMPLETED, consent()));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse", "Required group 'mood' is missing")),
                    issues);
        }

        @Test
        void missingRequiredChildIsReportedOnItsGroup() {
            List<ResponseIssue> issues = validate(response(COMPLETED, consent(),
                    group("mood", answered("mood.2", coding(null, "a")))));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse.item[1]",
                    "Required item 'mood.1' is missing")), issues);
        }

        @Test
        void requiredChildOfAbsentOptionalGroupIsNotRequired() {
            // mood.detail is optional, so its required mood.detail.why only applies when mood.detail is sent.
            assertEquals(List.of(), validate(response(COMPLETED, consent(), mood())));
        }

        @Test
        void requiredChildOfPresentNestedGroupIsRequired() {
            QuestionnaireResponseItemComponent mood = mood();
            mood.addItem(group("mood.detail", answered("name", new StringType("misplaced"))));

            assertEquals(List.of("structure@QuestionnaireResponse.item[1].item[1].item[0]",
                            "required@QuestionnaireResponse.item[1].item[1]"),
                    codesAt(validate(response(COMPLETED, consent(), mood))));
        }

        @Test
        void eachRepeatingGroupInstanceNeedsItsRequiredChildren() {
            List<ResponseIssue> issues = validate(response(COMPLETED, consent(), mood(),
                    group("medication", answered("medication.name", new StringType("A"))),
                    group("medication", answered("medication.dose", new DecimalType("5"))),
                    group("medication", answered("medication.name", new StringType("C")))));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse.item[3]",
                    "Required item 'medication.name' is missing")), issues);
        }

        @Test
        void presentButUnansweredRequiredItemIsReportedOnce() {
            List<ResponseIssue> issues = validate(response(COMPLETED, answered("consent"), mood()));

            assertEquals(List.of("required@QuestionnaireResponse.item[0]"), codesAt(issues));
            assertEquals("Item 'consent': item present without answer", issues.get(0).message());
        }

        @Test
        void requiredChildOfAnswerAppliesWhenEnabled() {
            QuestionnaireResponse smokerWithoutPacks = response(COMPLETED, consent(), mood(),
                    answered("smoker", new BooleanType(true)));

            assertEquals(List.of(ResponseIssue.error("required", "QuestionnaireResponse.item[2].answer[0]",
                    "Required item 'smoker.packs' is missing")), validate(smokerWithoutPacks));
        }

        @Test
        void requiredChildOfAnswerIsSkippedWhenDisabled() {
            assertEquals(List.of(), validate(response(COMPLETED, consent(), mood(), answered("smoker", new BooleanType(false)))));
        }

        @Test
        void answeredChildOfAnswerIsRejectedWhenDisabled() {
            QuestionnaireResponse nonSmokerWithPacks = response(INPROGRESS,
                    answeredWithChildren("smoker", new BooleanType(false), answered("smoker.packs", new IntegerType(3))));

            assertEquals(List.of(ResponseIssue.error("business-rule", "QuestionnaireResponse.item[0].answer[0].item[0]",
                    "Item 'smoker.packs': answered although disabled by enableWhen")), validate(nonSmokerWithPacks));
        }
    }

    @Test
    void allIssuesAreReportedInDocumentOrder() {
        QuestionnaireResponse messy = response(COMPLETED,
                answered("age", new IntegerType(500)),
                group("mood",
                        answered("mood.1", coding(MOOD_SYSTEM, "angry")),
                        answered("mood.3", new StringType("two"))),
                answered("shoeSize", new IntegerType(42)),
                answered("name", new StringType("far too long a name")));

        assertEquals(List.of(
                "value@QuestionnaireResponse.item[0].answer[0]",
                "code-invalid@QuestionnaireResponse.item[1].item[0].answer[0]",
                "value@QuestionnaireResponse.item[1].item[1].answer[0]",
                "not-found@QuestionnaireResponse.item[2]",
                "value@QuestionnaireResponse.item[3].answer[0]",
                "required@QuestionnaireResponse"), codesAt(validate(messy)));
    }
}
