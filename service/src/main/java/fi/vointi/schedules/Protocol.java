package fi.vointi.schedules;

import fi.vointi.catalog.CanonicalRef;
import org.hl7.fhir.r4.model.PlanDefinition;

import java.util.List;

/**
 * A PROM protocol read from a PlanDefinition (docs/schedules.md): which questionnaire at which offset from the
 * episode's start, and the reminders of each invitation.
 *
 * @param reminderDays days after an invitation on which it is reminded of while unanswered
 * @param maxReminders at most this many reminders per invitation
 */
public record Protocol(String id, String url, String version, String title, List<Visit> visits, List<Integer> reminderDays,
                       int maxReminders, PlanDefinition resource) {

    /** One action of the protocol: an invitation to {@code questionnaire} (pinned url|version) at {@code offset}. */
    public record Visit(String actionId, String title, CanonicalRef questionnaire, ScheduleRules.Offset offset) {
    }

    public CanonicalRef canonical() {
        return new CanonicalRef(url, version);
    }

    public Visit visit(String actionId) {
        return visits.stream().filter(v -> v.actionId().equals(actionId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("Protocol " + canonical() + " has no action " + actionId));
    }
}
