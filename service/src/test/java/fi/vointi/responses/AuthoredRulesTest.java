package fi.vointi.responses;

import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS;
import static org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The authored rules as pure logic: every status path, with and without a client that may bring its own time. */
class AuthoredRulesTest {
    static final Instant NOW = Instant.parse("2026-11-27T12:30:00Z");
    static final DateTimeType MONDAY = new DateTimeType("2026-11-23T09:00:00+02:00");
    static final DateTimeType CLIENT = new DateTimeType("2026-10-01T10:00:00+03:00");

    static Instant decide(DateTimeType given, QuestionnaireResponseStatus status, QuestionnaireResponseStatus previousStatus,
                          DateTimeType previous, boolean mayBringOwn) {
        AuthoredRules.Decision decision = AuthoredRules.decide(given, status, previousStatus, previous, mayBringOwn, NOW);
        assertFalse(decision.refused(), decision.problem());
        return decision.authored().getValue().toInstant();
    }

    @Test
    void thePersonsTimeIsTheServersAndTheCompletionTimeStays() {
        // created: drafts and completed responses alike are dated now, whatever the client said
        for (QuestionnaireResponseStatus status : new QuestionnaireResponseStatus[] {INPROGRESS, STOPPED, COMPLETED}) {
            assertEquals(NOW, decide(CLIENT, status, null, null, false), status.toCode());
            assertEquals(NOW, decide(null, status, null, null, false), status.toCode());
        }
        // a draft saved again, stopped, or completed: now (the last save, the completion)
        assertEquals(NOW, decide(null, INPROGRESS, INPROGRESS, MONDAY, false));
        assertEquals(NOW, decide(null, STOPPED, INPROGRESS, MONDAY, false));
        assertEquals(NOW, decide(MONDAY, COMPLETED, INPROGRESS, MONDAY, false), "completed on Friday, not Monday");
        assertEquals(NOW, decide(null, COMPLETED, STOPPED, MONDAY, false));
        // after completion: the completion time stays, whatever the client sends
        Instant monday = MONDAY.getValue().toInstant();
        assertEquals(monday, decide(CLIENT, COMPLETED, COMPLETED, MONDAY, false));
        assertEquals(monday, decide(CLIENT, AMENDED, COMPLETED, MONDAY, false));
        assertEquals(monday, decide(null, AMENDED, AMENDED, MONDAY, false));
        assertEquals(monday, decide(null, ENTEREDINERROR, COMPLETED, MONDAY, false));
        assertEquals(monday, decide(null, ENTEREDINERROR, INPROGRESS, MONDAY, false), "an error mark changes no answer");
    }

    @Test
    void anImportKeepsItsPastTimeButNeverAFutureOne() {
        AuthoredRules.Decision kept = AuthoredRules.decide(CLIENT, COMPLETED, null, null, true, NOW);
        assertEquals("2026-10-01T10:00:00+03:00", kept.authored().getValueAsString(), "precision and offset as given");
        assertEquals(NOW, decide(null, COMPLETED, null, null, true), "none given: the server's time");
        assertEquals(NOW, decide(new DateTimeType(java.util.Date.from(NOW)), COMPLETED, null, null, true), "now is not the future");

        AuthoredRules.Decision future = AuthoredRules.decide(new DateTimeType(java.util.Date.from(NOW.plusSeconds(1))),
                COMPLETED, null, null, true, NOW);
        assertTrue(future.refused());
        assertTrue(future.problem().contains("future"), future.problem());
        // a day given as a date (local midnight) is not in the future on that day
        assertFalse(AuthoredRules.decide(new DateTimeType("2026-11-27"), COMPLETED, null, null, true, NOW).refused());
    }
}
