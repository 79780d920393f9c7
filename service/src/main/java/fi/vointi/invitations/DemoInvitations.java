package fi.vointi.invitations;

import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.Caller;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.Role;
import fi.vointi.security.SmartScope;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Something to answer for the demo people (README, "Pages a person can open"): at start-up, when
 * {@code vointi.demo.invitations} is true (the default of the embedded demo run; production sets false), each demo
 * invitation below is created unless an open one (ready, unused, unexpired) for the same patient and questionnaire
 * exists — so restarts do not pile them up, and a new one appears after the previous was answered or expired.
 */
@Context
@Requires(property = "vointi.demo.invitations", value = "true", defaultValue = "false")
public class DemoInvitations {
    private static final Logger LOG = LoggerFactory.getLogger(DemoInvitations.class);

    /** Patient, questionnaire url, inviting unit. */
    record Demo(String patientId, String questionnaireUrl, String unitId) {
    }

    static final List<Demo> DEMOS = List.of(
            new Demo("demo-aino", "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom", DemoUsers.UNIT_PAIN_CLINIC),
            new Demo("demo-aino", "https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank", DemoUsers.UNIT_PAIN_CLINIC),
            new Demo("demo-onni", "https://vointi.fi/fhir/Questionnaire/demo-child-wellbeing", DemoUsers.UNIT_CHILD_PSYCHIATRY),
            new Demo("demo-eero", "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom", DemoUsers.UNIT_HEALTH_CENTRE),
            new Demo("demo-venla", "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom", DemoUsers.UNIT_CHILD_PSYCHIATRY));

    public DemoInvitations(InvitationService invitations, InvitationStore store, QuestionnaireCatalog catalog) {
        Caller seeder = new Caller("vointi-demo-content", "vointi-demo-content", Set.of(Role.SYSTEM), null, Set.of(), Set.of(),
                Set.of(SmartScope.parse("system/Task.c").orElseThrow()));
        Instant now = Instant.now();
        int added = 0;
        for (Demo demo : DEMOS) {
            if (catalog.resolve(fi.vointi.catalog.CanonicalRef.parse(demo.questionnaireUrl())).isEmpty()) {
                continue; // bundled questionnaires switched off
            }
            boolean open = store.search(new InvitationStore.Filter(true, Set.of(), Set.of(), List.of(List.of(demo.patientId())),
                    List.of(List.of("ready"))), 100, 0).stream()
                    .anyMatch(i -> i.questionnaireUrl().equals(demo.questionnaireUrl()) && !i.used() && !i.expiredAt(now));
            if (open) {
                continue;
            }
            Task task = new Task();
            task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
            task.setFor(new Reference("Patient/" + demo.patientId()));
            task.addInput().setType(new CodeableConcept(new Coding(InvitationRequest.SDC_TEMP, "questionnaire", null)))
                    .setValue(new CanonicalType(demo.questionnaireUrl()));
            task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + demo.unitId()));
            invitations.invite(seeder, task);
            added++;
        }
        LOG.info("Demo invitations: {} added ({} kept open for the demo patients)", added, DEMOS.size());
    }
}
