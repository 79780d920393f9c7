package fi.vointi.schedules;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.invitations.Invitation;
import fi.vointi.invitations.InvitationService;
import fi.vointi.invitations.InvitationStore;
import fi.vointi.messaging.Channel;
import fi.vointi.messaging.InvitationMessaging;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.Caller;
import fi.vointi.security.Role;
import fi.vointi.security.SmartScope;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Runs one due step of a schedule, in one transaction: taking the step, the invitation it creates (with its messages,
 * through the outbox) or the reminder it queues, and the reminders it plans commit together or not at all.
 */
@Singleton
public class ScheduleSteps {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    private final ScheduleStore store;
    private final ProtocolCatalog protocols;
    private final InvitationService invitations;
    private final InvitationStore invitationStore;
    private final InvitationMessaging messaging;
    private final ScheduleConfiguration configuration;
    private final Clock clock;

    ScheduleSteps(ScheduleStore store, ProtocolCatalog protocols, InvitationService invitations, InvitationStore invitationStore,
                  InvitationMessaging messaging, ScheduleConfiguration configuration, Clock clock) {
        this.store = store;
        this.protocols = protocols;
        this.invitations = invitations;
        this.invitationStore = invitationStore;
        this.messaging = messaging;
        this.configuration = configuration;
        this.clock = clock;
    }

    /** Runs the step if it is still due and no one else took it; false when there was nothing to do. */
    @Transactional
    public boolean run(String stepId) {
        Instant now = clock.instant();
        if (!store.take(stepId, now)) {
            return false;
        }
        ScheduleStore.Step step = store.step(stepId).orElseThrow();
        ScheduleStore.Enrolment enrolment = store.enrolment(step.enrolmentId()).orElseThrow();
        if (!enrolment.active()) {
            store.finish(stepId, "cancelled", step.invitationId(), null, "episode ended");
        } else if ("invite".equals(step.kind())) {
            invite(step, enrolment, now);
        } else {
            remind(step, enrolment, now);
        }
        if (store.pending(enrolment.id()) == 0) {
            store.eraseContacts(enrolment.id()); // nothing more will be sent: the contacts are no longer needed
        }
        return true;
    }

    /** Marks a step that could not run (logged by the runner), so that it is not tried forever. */
    @Transactional(readOnly = true)
    public List<String> due(int limit) {
        return store.due(clock.instant(), limit, null);
    }

    @Transactional
    public void fail(String stepId, String reason) {
        store.failPending(stepId, clock.instant(), reason.length() > 250 ? reason.substring(0, 250) : reason);
    }

    private void invite(ScheduleStore.Step step, ScheduleStore.Enrolment enrolment, Instant now) {
        Protocol protocol = protocols.resolve(new CanonicalRef(enrolment.protocolUrl(), enrolment.protocolVersion()))
                .orElseThrow(() -> new IllegalStateException("Protocol " + enrolment.protocolUrl() + "|"
                        + enrolment.protocolVersion() + " is no longer served"));
        InvitationMessaging.Recipient recipient = recipient(enrolment);
        boolean send = !recipient.contacts().isEmpty() && !messaging.optedOut(enrolment.patientId(), recipient);
        if (!recipient.contacts().isEmpty() && !send) {
            store.eraseContacts(enrolment.id()); // opted out: never again for this episode
        }
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + enrolment.patientId()));
        task.addBasedOn(new Reference("CarePlan/" + enrolment.id()));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null)))
                .setValue(new CanonicalType(step.questionnaire()));
        if (enrolment.unitRef() != null) {
            task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(enrolment.unitRef()));
        }
        if (send) {
            task.addExtension(recipientExtension(recipient));
        }
        InvitationService.Created created = invitations.invite(caller(enrolment), task);
        String invitationId = created.task().getIdElement().getIdPart();
        store.finish(step.id(), "done", invitationId, null, send ? null : "no messages");
        if (send && created.shortLink() != null) {
            Instant expires = created.task().getRestriction().getPeriod().getEnd().toInstant();
            List<Instant> reminders = ScheduleRules.reminders(now, protocol.reminderDays(), protocol.maxReminders(),
                    configuration.zoneId(), expires);
            for (int i = 0; i < reminders.size(); i++) {
                store.insert(new ScheduleStore.Step(UUID.randomUUID().toString(), enrolment.id(), step.actionId(),
                        step.questionnaire(), "reminder", i + 1, reminders.get(i), "pending", invitationId, created.shortLink(),
                        null, null));
            }
        }
    }

    private void remind(ScheduleStore.Step step, ScheduleStore.Enrolment enrolment, Instant now) {
        Optional<Invitation> invitation = Optional.ofNullable(step.invitationId()).flatMap(invitationStore::find);
        InvitationMessaging.Recipient recipient = recipient(enrolment);
        boolean optedOut = recipient.contacts().isEmpty() || messaging.optedOut(enrolment.patientId(), recipient);
        boolean answered = invitation.isEmpty() || invitation.get().used();
        boolean expired = invitation.isPresent() && invitation.get().expiredAt(now);
        if (!ScheduleRules.remind(answered, expired, enrolment.active(), optedOut) || step.link() == null) {
            String reason = answered ? "answered" : expired ? "link expired" : "opted out";
            store.finish(step.id(), "skipped", step.invitationId(), null, reason);
            store.cancelReminders(step.invitationId(), now, reason);
            return;
        }
        int queued = messaging.queueReminder(invitation.get().id(), enrolment.patientId(), enrolment.unitRef(), recipient,
                step.link(), invitation.get().expiresAt());
        store.finish(step.id(), "done", step.invitationId(), null, queued == 0 ? "nothing queued" : null);
        store.forgetLinkWhenDone(step.invitationId());
    }

    static InvitationMessaging.Recipient recipient(ScheduleStore.Enrolment enrolment) {
        Map<Channel, String> contacts = new EnumMap<>(Channel.class);
        if (enrolment.sms() != null) {
            contacts.put(Channel.SMS, enrolment.sms());
        }
        if (enrolment.email() != null) {
            contacts.put(Channel.EMAIL, enrolment.email());
        }
        return new InvitationMessaging.Recipient(Map.copyOf(contacts), enrolment.language());
    }

    private static Extension recipientExtension(InvitationMessaging.Recipient recipient) {
        Extension extension = new Extension(InvitationMessaging.RECIPIENT_EXTENSION);
        recipient.contacts().forEach((channel, address) -> extension.addExtension("contact", new ContactPoint()
                .setSystem(channel == Channel.SMS ? ContactPoint.ContactPointSystem.SMS : ContactPoint.ContactPointSystem.EMAIL)
                .setValue(address)));
        extension.addExtension("language", new CodeType(recipient.language()));
        return extension;
    }

    /** The schedule invites as a backend client of its own that may create invitations and nothing else. */
    private static Caller caller(ScheduleStore.Enrolment enrolment) {
        return new Caller("schedule/CarePlan/" + enrolment.id(), "vointi-schedules", Set.of(Role.SYSTEM), null, Set.of(), Set.of(),
                Set.of(SmartScope.parse("system/Task.c").orElseThrow()));
    }
}
