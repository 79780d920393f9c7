package fi.vointi.responses;

import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.time.Instant;
import java.util.Date;

/**
 * What {@code QuestionnaireResponse.authored} a stored version gets (README, "When a response was authored"). Pure
 * logic: the caller passes the server's time and whether the client may bring its own value.
 * <ul>
 * <li>The server dates every version: a draft ({@code in-progress}, {@code stopped}) with the time it was saved, and a
 * response with the time it became {@code completed} — a draft saved on Monday and completed on Friday is authored on
 * Friday. Later versions ({@code completed} sent again, {@code amended}, {@code entered-in-error}) keep that completion
 * time: an amendment corrects the answers given then; its own time is {@code meta.lastUpdated}.</li>
 * <li>A client's value is replaced unless the client may date answers given elsewhere ({@code mayBringOwn}: a backend
 * integration importing history, an admin's feedback import): then it is kept, but never one later than now.</li>
 * </ul>
 */
public final class AuthoredRules {

    private AuthoredRules() {
    }

    /** The authored a version gets, or the reason a client's value is refused. */
    public record Decision(DateTimeType authored, String problem) {
        static Decision of(DateTimeType authored) {
            return new Decision(authored, null);
        }

        public boolean refused() {
            return problem != null;
        }
    }

    /**
     * @param given          the client's authored, or null
     * @param status         the status of the version being stored
     * @param previousStatus the stored version's status; null on create
     * @param previous       the stored version's authored; null on create
     * @param mayBringOwn    whether the client may date the answers itself (history import)
     * @param now            the server's time
     */
    public static Decision decide(DateTimeType given, QuestionnaireResponseStatus status,
                                  QuestionnaireResponseStatus previousStatus, DateTimeType previous,
                                  boolean mayBringOwn, Instant now) {
        if (mayBringOwn && given != null && given.getValue() != null) {
            if (given.getValue().toInstant().isAfter(now)) {
                return new Decision(null, "QuestionnaireResponse.authored (" + given.getValueAsString()
                        + ") is later than the server's time (" + now + "): answers cannot be given in the future");
            }
            return Decision.of(given.copy());
        }
        if (previous != null && previous.getValue() != null && keepsPrevious(status, previousStatus)) {
            return Decision.of(previous.copy());
        }
        return Decision.of(new DateTimeType(Date.from(now)));
    }

    /** Versions after completion, and an error mark on anything, keep the time the answers were given. */
    private static boolean keepsPrevious(QuestionnaireResponseStatus status, QuestionnaireResponseStatus previousStatus) {
        if (status == QuestionnaireResponseStatus.ENTEREDINERROR) {
            return true;
        }
        boolean wasFinal = previousStatus == QuestionnaireResponseStatus.COMPLETED
                || previousStatus == QuestionnaireResponseStatus.AMENDED;
        return wasFinal && (status == QuestionnaireResponseStatus.COMPLETED || status == QuestionnaireResponseStatus.AMENDED);
    }
}
