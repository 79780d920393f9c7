package fi.vointi.responses;

import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Optional;

import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseStatusRulesTest {

    @ParameterizedTest
    @CsvSource({
            "INPROGRESS,     true",
            "COMPLETED,      true",
            "STOPPED,        true",
            "AMENDED,        false",
            "ENTEREDINERROR, false",
            "NULL,           false",
    })
    void creationAllowsOnlyStartingStatuses(QuestionnaireResponseStatus status, boolean allowed) {
        assertEquals(allowed, ResponseStatusRules.creationError(status).isEmpty());
    }

    @Test
    void creationWithoutStatusIsRejected() {
        assertEquals(Optional.of("A QuestionnaireResponse must have a status: 'in-progress', 'completed' or 'stopped'"),
                ResponseStatusRules.creationError(null));
    }

    @Test
    void creationAsAmendedExplainsWhy() {
        assertEquals(Optional.of("A new QuestionnaireResponse cannot be 'amended'; only a stored completed response"
                + " can be amended. Create it as 'completed' instead"), ResponseStatusRules.creationError(AMENDED));
    }

    @Test
    void creationAsEnteredInErrorExplainsWhy() {
        assertTrue(ResponseStatusRules.creationError(ENTEREDINERROR).orElseThrow().contains("'entered-in-error'"));
    }

    /** Every from → to pair, with and without content changes. */
    @ParameterizedTest(name = "{0} -> {1}, content changed {2}: allowed {3}")
    @CsvSource({
            "INPROGRESS,     INPROGRESS,     false, true",
            "INPROGRESS,     INPROGRESS,     true,  true",
            "INPROGRESS,     COMPLETED,      false, true",
            "INPROGRESS,     COMPLETED,      true,  true",
            "INPROGRESS,     STOPPED,        false, true",
            "INPROGRESS,     STOPPED,        true,  true",
            "INPROGRESS,     ENTEREDINERROR, false, true",
            "INPROGRESS,     ENTEREDINERROR, true,  true",
            "INPROGRESS,     AMENDED,        false, false",
            "INPROGRESS,     AMENDED,        true,  false",

            "COMPLETED,      COMPLETED,      false, true",
            "COMPLETED,      COMPLETED,      true,  false",
            "COMPLETED,      AMENDED,        false, true",
            "COMPLETED,      AMENDED,        true,  true",
            "COMPLETED,      ENTEREDINERROR, false, true",
            "COMPLETED,      ENTEREDINERROR, true,  true",
            "COMPLETED,      INPROGRESS,     false, false",
            "COMPLETED,      INPROGRESS,     true,  false",
            "COMPLETED,      STOPPED,        false, false",
            "COMPLETED,      STOPPED,        true,  false",

            "AMENDED,        AMENDED,        false, true",
            "AMENDED,        AMENDED,        true,  true",
            "AMENDED,        ENTEREDINERROR, false, true",
            "AMENDED,        ENTEREDINERROR, true,  true",
            "AMENDED,        COMPLETED,      false, false",
            "AMENDED,        COMPLETED,      true,  false",
            "AMENDED,        INPROGRESS,     false, false",
            "AMENDED,        INPROGRESS,     true,  false",
            "AMENDED,        STOPPED,        false, false",
            "AMENDED,        STOPPED,        true,  false",

            "STOPPED,        STOPPED,        false, true",
            "STOPPED,        STOPPED,        true,  false",
            "STOPPED,        INPROGRESS,     false, true",
            "STOPPED,        INPROGRESS,     true,  true",
            "STOPPED,        ENTEREDINERROR, false, true",
            "STOPPED,        ENTEREDINERROR, true,  true",
            "STOPPED,        COMPLETED,      false, false",
            "STOPPED,        COMPLETED,      true,  false",
            "STOPPED,        AMENDED,        false, false",
            "STOPPED,        AMENDED,        true,  false",

            "ENTEREDINERROR, ENTEREDINERROR, false, false",
            "ENTEREDINERROR, ENTEREDINERROR, true,  false",
            "ENTEREDINERROR, INPROGRESS,     false, false",
            "ENTEREDINERROR, COMPLETED,      false, false",
            "ENTEREDINERROR, AMENDED,        true,  false",
            "ENTEREDINERROR, STOPPED,        false, false",
    })
    void transitions(QuestionnaireResponseStatus from, QuestionnaireResponseStatus to, boolean contentChanged, boolean allowed) {
        Optional<String> error = ResponseStatusRules.transitionError(from, to, contentChanged);

        assertEquals(allowed, error.isEmpty(), () -> "unexpected result: " + error);
    }

    @Test
    void changingCompletedContentAsksForAmended() {
        assertEquals(Optional.of("A completed QuestionnaireResponse is immutable; set status 'amended' to change it"),
                ResponseStatusRules.transitionError(COMPLETED, COMPLETED, true));
    }

    @Test
    void reopeningCompletedAsksForAmended() {
        assertEquals(Optional.of("A completed QuestionnaireResponse cannot go back to 'in-progress'; set status 'amended' to change it"),
                ResponseStatusRules.transitionError(COMPLETED, INPROGRESS, false));
    }

    @Test
    void amendedCannotReturnToCompleted() {
        assertEquals(Optional.of("An amended QuestionnaireResponse cannot return to 'completed'; keep status 'amended' for further changes"),
                ResponseStatusRules.transitionError(AMENDED, COMPLETED, false));
    }

    @Test
    void amendingInProgressAsksToCompleteFirst() {
        assertEquals(Optional.of("Only a completed QuestionnaireResponse can be amended; set status 'completed'"
                + " to finish this in-progress response"), ResponseStatusRules.transitionError(INPROGRESS, AMENDED, true));
    }

    @Test
    void editingStoppedAsksToResume() {
        assertEquals(Optional.of("A stopped QuestionnaireResponse cannot be edited; set status 'in-progress' to resume it"),
                ResponseStatusRules.transitionError(STOPPED, STOPPED, true));
        assertEquals(Optional.of("A stopped QuestionnaireResponse cannot become 'completed' directly; set status"
                + " 'in-progress' to resume it first"), ResponseStatusRules.transitionError(STOPPED, COMPLETED, true));
    }

    @ParameterizedTest
    @EnumSource(value = QuestionnaireResponseStatus.class, names = {"INPROGRESS", "COMPLETED", "AMENDED", "STOPPED", "ENTEREDINERROR"})
    void enteredInErrorIsFinal(QuestionnaireResponseStatus to) {
        assertEquals(Optional.of("A QuestionnaireResponse marked 'entered-in-error' is final and cannot be updated"),
                ResponseStatusRules.transitionError(ENTEREDINERROR, to, false));
    }

    @Test
    void updateWithoutStatusIsRejected() {
        assertEquals(Optional.of("The updated QuestionnaireResponse must have a status"),
                ResponseStatusRules.transitionError(INPROGRESS, null, false));
    }

    @Test
    void storedResponseWithoutStatusIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> ResponseStatusRules.transitionError(null, COMPLETED, false));
    }
}
