package fi.vointi.responses;

import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.util.Optional;

/**
 * Which QuestionnaireResponse statuses a client may create and which status changes an update may make,
 * following the R4 status semantics: completed answers are only changed by amending them, and
 * entered-in-error is final.
 */
public final class ResponseStatusRules {

    private ResponseStatusRules() {
    }

    /** Why a new response with this status is not allowed, or empty when it is. */
    public static Optional<String> creationError(QuestionnaireResponseStatus status) {
        if (status == null || status == QuestionnaireResponseStatus.NULL) {
            return Optional.of("A QuestionnaireResponse must have a status: 'in-progress', 'completed' or 'stopped'");
        }
        return switch (status) {
            case INPROGRESS, COMPLETED, STOPPED -> Optional.empty();
            case AMENDED -> Optional.of("A new QuestionnaireResponse cannot be 'amended'; only a stored completed"
                    + " response can be amended. Create it as 'completed' instead");
            case ENTEREDINERROR -> Optional.of("A new QuestionnaireResponse cannot be 'entered-in-error'; that status"
                    + " withdraws a stored response that was recorded by mistake");
            default -> Optional.of("Unsupported QuestionnaireResponse status '" + status.toCode() + "'");
        };
    }

    /**
     * Why updating a stored response from one status to another is not allowed, or empty when it is.
     *
     * @param from           status of the stored version (never null: creation requires a status)
     * @param to             status of the incoming version
     * @param contentChanged whether anything other than the status and metadata differs between the versions
     */
    public static Optional<String> transitionError(QuestionnaireResponseStatus from, QuestionnaireResponseStatus to,
                                                   boolean contentChanged) {
        if (from == null || from == QuestionnaireResponseStatus.NULL) {
            throw new IllegalArgumentException("The stored QuestionnaireResponse has no status");
        }
        if (to == null || to == QuestionnaireResponseStatus.NULL) {
            return Optional.of("The updated QuestionnaireResponse must have a status");
        }
        return switch (from) {
            case INPROGRESS -> to == QuestionnaireResponseStatus.AMENDED
                    ? Optional.of("Only a completed QuestionnaireResponse can be amended; set status 'completed'"
                            + " to finish this in-progress response")
                    : Optional.empty();
            case COMPLETED -> switch (to) {
                case AMENDED, ENTEREDINERROR -> Optional.empty();
                // Re-sending the same completed response is harmless; changing it silently is not.
                case COMPLETED -> contentChanged
                        ? Optional.of("A completed QuestionnaireResponse is immutable; set status 'amended' to change it")
                        : Optional.empty();
                default -> Optional.of("A completed QuestionnaireResponse cannot go back to '" + to.toCode()
                        + "'; set status 'amended' to change it");
            };
            case AMENDED -> switch (to) {
                case AMENDED, ENTEREDINERROR -> Optional.empty();
                default -> Optional.of("An amended QuestionnaireResponse cannot return to '" + to.toCode()
                        + "'; keep status 'amended' for further changes");
            };
            case STOPPED -> switch (to) {
                case INPROGRESS, ENTEREDINERROR -> Optional.empty();
                case STOPPED -> contentChanged
                        ? Optional.of("A stopped QuestionnaireResponse cannot be edited; set status 'in-progress' to resume it")
                        : Optional.empty();
                default -> Optional.of("A stopped QuestionnaireResponse cannot become '" + to.toCode()
                        + "' directly; set status 'in-progress' to resume it first");
            };
            case ENTEREDINERROR -> Optional.of("A QuestionnaireResponse marked 'entered-in-error' is final and cannot be updated");
            default -> Optional.of("Unsupported QuestionnaireResponse status '" + from.toCode() + "'");
        };
    }
}
