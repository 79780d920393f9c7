package fi.vointi.invitations;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Task;

import java.time.Instant;

/**
 * Sending an invitation's link to the patient (implemented by fi.vointi.messaging, docs/messaging.md). Called by
 * {@link InvitationService#invite} inside the transaction that stores the invitation, so the messages are queued if and
 * only if the invitation is stored.
 */
public interface InvitationMessages {

    /**
     * Reads and removes the recipient's contacts from the Task (they are never stored with it), after every other check
     * passed. Throws a 422 FhirException for bad contacts. Null when the Task asks for nothing to be sent.
     */
    @Nullable
    Pending take(Task task, String patientId, @Nullable String unitRef);

    /** Messages ready to queue once the invitation is written. */
    interface Pending {
        /** The link token the invitation is to use (the messages carry a short link that leads to it). */
        String token();

        /** The short link the messages carry ({@code {base}/i/{code}}); reminders of a schedule send it again. */
        String link();

        /** Queues the messages; runs after the invitation row is written, in the same transaction. */
        void enqueue(String invitationId, Instant expires);
    }
}
