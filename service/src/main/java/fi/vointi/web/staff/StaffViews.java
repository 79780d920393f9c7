package fi.vointi.web.staff;

import fi.vointi.results.ResultsViews;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** What the clinician's pages (src/main/jte/staff) show; every text already in the page language. */
public final class StaffViews {
    private StaffViews() {
    }

    /** {@code /staff}: the clinician's units and the latest answers shared with them. */
    public record Landing(List<String> units, List<Recent> recent) {
    }

    /** A shared answer in the landing list. */
    public record Recent(String patientHref, String patient, String title, String titleLang, String date, String reporter,
                         String unit) {
    }

    /**
     * {@code /staff/patients/{id}}: the patient's shared answers, their scores over time, the invitations and the PROM
     * schedules (enrolments) of the clinician's units.
     */
    public record PatientView(String patientId, String patientName, boolean print, String printHref, String backHref,
                              List<Answer> answers, List<ResultsViews.Section> sections, @Nullable InviteForm invite,
                              List<InvitationRow> invitations, @Nullable ScheduleForm schedule, List<EnrolmentRow> enrolments) {
    }

    /** One shared answer: scores, answers, who answered, and the text for the record. */
    public record Answer(String id, String title, String titleLang, String date, String reporter, String unit,
                         List<ResultsViews.ScoreLine> scores, List<ResultsViews.AnswerLine> answers, String recordText,
                         int recordRows) {
    }

    /** The invitation form: questionnaires and units to choose from. */
    public record InviteForm(String action, List<Option> questionnaires, List<Option> units, @Nullable String error) {
    }

    public record Option(String value, String label, String labelLang, boolean selected) {
    }

    /** One invitation of this patient by the clinician's units, with its state in words. */
    public record InvitationRow(String id, String title, String titleLang, String unit, String created, String expires, String state,
                                String stateClass) {
    }

    /**
     * The "enrol in a PROM schedule" form, with what was entered and, after a refused post, the problems (each with the
     * id of its field, for the error summary's links) and the field's own message.
     */
    public record ScheduleForm(String action, List<Option> protocols, List<Option> units, String start, String phone,
                               String email, List<Option> languages, List<Problem> problems, @Nullable String protocolError,
                               @Nullable String unitError, @Nullable String startError, @Nullable String phoneError, @Nullable String emailError) {
        public boolean hasProblems() {
            return !problems.isEmpty();
        }
    }

    /** One problem of a form: its message and the field to move to. */
    public record Problem(String fieldId, String message) {
    }

    /** One enrolment of this patient by the clinician's units; {@code endAction} only while it is active. */
    public record EnrolmentRow(String id, String protocol, String protocolLang, String unit, String start, String status,
                               String statusClass, String next, @Nullable String endAction) {
    }

    /** The invitation just created: its link, as text and as a QR code. */
    public record CreatedInvitation(String patientName, String backHref, String title, String titleLang, String link,
                                    String qrSrc, String state, boolean usable) {
    }
}
