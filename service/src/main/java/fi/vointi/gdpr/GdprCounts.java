package fi.vointi.gdpr;

/**
 * How many stored rows an erasure, pseudonymisation or retention run touched. Counts only: this text goes
 * to the audit trail and the log, which must hold no health data.
 *
 * @param responses   QuestionnaireResponses (current rows)
 * @param versions    their stored versions (history rows, the current version included)
 * @param decisions   sharing decisions (Consent)
 * @param invitations invitations (Task)
 */
public record GdprCounts(long responses, long versions, long decisions, long invitations) {
    public static final GdprCounts NONE = new GdprCounts(0, 0, 0, 0);

    public GdprCounts plus(GdprCounts other) {
        return new GdprCounts(responses + other.responses, versions + other.versions, decisions + other.decisions,
                invitations + other.invitations);
    }

    public long total() {
        return responses + versions + decisions + invitations;
    }

    @Override
    public String toString() {
        return "responses=" + responses + " versions=" + versions + " consents=" + decisions + " invitations=" + invitations;
    }
}
