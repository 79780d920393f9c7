package fi.vointi.messaging;

import fi.vointi.feedback.PublicLinks;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.invitations.InvitationMessages;
import fi.vointi.organization.UnitTree;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Task;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An invitation Task with the extension {@value #RECIPIENT_EXTENSION} is sent to the patient: one message per named
 * channel (SMS, e-mail), queued in the invitation's own transaction, carrying the short link {@code {base}/i/{code}}.
 * The contacts are taken out of the Task before it is stored: the outbox keeps them only until delivered (docs/messaging.md).
 */
@Singleton
public class InvitationMessaging implements InvitationMessages {
    public static final String RECIPIENT_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/invitation-recipient";
    public static final String PURPOSE = "invitation";
    /** A schedule's reminder of an invitation not yet answered (fi.vointi.schedules). */
    public static final String REMINDER = "reminder";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d.M.yyyy");
    private final OutboxStore outbox;
    private final OptOuts optOuts;
    private final AddressKeys keys;
    private final MessagingConfiguration configuration;
    private final EmailConfiguration email;
    private final SmsConfiguration sms;
    private final PublicLinks links;
    private final OptOutLinks optOutLinks;
    private final UnitTree units;
    private final Clock clock;

    InvitationMessaging(OutboxStore outbox, OptOuts optOuts, AddressKeys keys, MessagingConfiguration configuration,
                        EmailConfiguration email, SmsConfiguration sms, PublicLinks links, OptOutLinks optOutLinks, UnitTree units,
                        Clock clock) {
        this.optOutLinks = optOutLinks;
        this.outbox = outbox;
        this.optOuts = optOuts;
        this.keys = keys;
        this.configuration = configuration;
        this.email = email;
        this.sms = sms;
        this.links = links;
        this.units = units;
        this.clock = clock;
    }

    @Override
    @Nullable
    public Pending take(Task task, String patientId, @Nullable String unitRef) {
        List<Extension> found = task.getExtensionsByUrl(RECIPIENT_EXTENSION);
        if (found.isEmpty()) {
            return null;
        }
        task.getExtension().removeIf(e -> RECIPIENT_EXTENSION.equals(e.getUrl())); // never stored with the Task
        Recipient recipient = recipient(found, "Task.extension");
        Map<Channel, String> contacts = new EnumMap<>(recipient.contacts());
        String language = recipient.language();
        // an opted-out address or person gets nothing, and nothing about them is stored
        contacts.entrySet().removeIf(c -> optOuts.optedOut(keys.ofAddress(c.getValue()), patientId));
        String code = InvitationLinks.newCode();
        String link = InvitationLinks.link(links.base(), code);
        if (link.length() > InvitationLinks.MAX_LENGTH) {
            throw new IllegalStateException("Invitation links would be " + link.length() + " characters: shorten"
                    + " vointi.feedback.public-base-url to at most 35 characters");
        }
        String sender = senderName(unitRef);
        String chosenLanguage = language;
        return new Pending() {
            @Override
            public String token() {
                return InvitationLinks.token(code);
            }

            @Override
            public String link() {
                return link;
            }

            @Override
            public void enqueue(String invitationId, Instant expires) {
                Instant now = clock.instant();
                ZoneId zone = configuration.quietHours().zone();
                Map<String, String> values = Map.of("sender", sender, "link", link, "expires", DATE.format(expires.atZone(zone)));
                contacts.forEach((channel, address) -> queue(PURPOSE, invitationId, patientId, channel, address,
                        chosenLanguage, sender, values, now));
            }
        };
    }

    /**
     * Queues a reminder of an unanswered invitation (a schedule's, docs/schedules.md) with the link of its first
     * message, in the caller's transaction: the outbox then applies quiet hours, the per-person cap and opt-out as for
     * any message. An opted-out contact or patient gets nothing. Returns how many messages were queued.
     */
    public int queueReminder(String invitationId, String patientId, @Nullable String unitRef, Recipient recipient,
                             String link, Instant expires) {
        Instant now = clock.instant();
        String sender = senderName(unitRef);
        ZoneId zone = configuration.quietHours().zone();
        Map<String, String> values = Map.of("sender", sender, "link", link, "expires", DATE.format(expires.atZone(zone)));
        int queued = 0;
        for (Map.Entry<Channel, String> contact : recipient.contacts().entrySet()) {
            String key = keys.ofAddress(contact.getValue());
            if (optOuts.optedOut(key, patientId)) {
                continue;
            }
            queue(REMINDER, invitationId, patientId, contact.getKey(), contact.getValue(), recipient.language(), sender,
                    values, now);
            queued++;
        }
        return queued;
    }

    /**
     * Queues one message in the caller's transaction. An e-mail gets an opt-out link of its own ({@code ${unsubscribe}}
     * in its text, and the List-Unsubscribe header); an SMS says "reply STOP" instead.
     */
    private void queue(String purpose, String invitationId, String patientId, Channel channel, String address,
                       String language, String sender, Map<String, String> values, Instant now) {
        String key = keys.ofAddress(address);
        String unsubscribe = null;
        Map<String, String> filled = values;
        if (channel == Channel.EMAIL) {
            unsubscribe = optOutLinks.create(links.base(), key, language, now);
            filled = new HashMap<>(values);
            filled.put("unsubscribe", unsubscribe);
        }
        Templates.Text text = Templates.render(purpose, channel, language, filled);
        Instant due = channel == Channel.SMS ? configuration.quietHours().nextAllowed(now) : now;
        outbox.enqueue(new OutboxStore.NewMessage(UUID.randomUUID().toString(), channel, purpose, invitationId, patientId,
                key, address, sender, text.subject(), text.body(), due, now, unsubscribe));
    }

    /** Whether the patient, or every one of these contacts, has opted out of messages. */
    public boolean optedOut(String patientId, Recipient recipient) {
        return optOuts.optedOut(keys.ofPatient(patientId), patientId) || (!recipient.contacts().isEmpty()
                && recipient.contacts().values().stream().allMatch(a -> optOuts.optedOut(keys.ofAddress(a), patientId)));
    }

    /** Contacts (normalised: E.164, lower-case e-mail) and language of an {@value #RECIPIENT_EXTENSION}. */
    public record Recipient(Map<Channel, String> contacts, String language) {
    }

    /**
     * Reads and checks the recipient extension (found: every occurrence on the resource); 422 with one issue per
     * problem. Also used by schedules (fi.vointi.schedules), whose CarePlan carries the same extension.
     */
    public Recipient recipient(List<Extension> found, String expression) {
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        Map<Channel, String> contacts = new EnumMap<>(Channel.class);
        String language = "fi";
        if (found.size() > 1 || found.get(0).hasValue()) {
            issues.add(issue(expression, "invitation-recipient may occur once, with sub-extensions contact and language only"));
        }
        for (Extension part : found.get(0).getExtension()) {
            if ("contact".equals(part.getUrl()) && part.getValue() instanceof ContactPoint contact) {
                Channel channel = switch (contact.hasSystem() ? contact.getSystem().toCode() : "") {
                    case "sms", "phone" -> Channel.SMS;
                    case "email" -> Channel.EMAIL;
                    default -> null;
                };
                if (channel == null) {
                    issues.add(issue(expression, "contact: ContactPoint.system must be sms, phone (a mobile number) or email"));
                    continue;
                }
                String address = channel == Channel.SMS ? Addresses.phone(contact.getValue()) : Addresses.email(contact.getValue());
                if (address == null) {
                    issues.add(issue(expression, "contact: not a valid " + (channel == Channel.SMS ? "mobile number (e.g. +358401234567)"
                            : "e-mail address")));
                } else if (contacts.put(channel, address) != null) {
                    issues.add(issue(expression, "contact: at most one " + channel.code() + " contact"));
                } else if (!(channel == Channel.SMS ? sms.configured() : email.configured())) {
                    issues.add(issue(expression, "contact: this server sends no " + (channel == Channel.SMS ? "SMS" : "e-mail")));
                }
            } else if ("language".equals(part.getUrl()) && part.getValue() instanceof CodeType code
                    && Templates.LANGUAGES.contains(code.getValue())) {
                language = code.getValue();
            } else {
                issues.add(issue(expression, "Unknown or malformed part '" + part.getUrl() + "': expected contact (valueContactPoint)"
                        + " or language (valueCode fi, sv or en)"));
            }
        }
        if (contacts.isEmpty() && issues.isEmpty()) {
            issues.add(issue(expression, "invitation-recipient needs at least one contact"));
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        return new Recipient(Map.copyOf(contacts), language);
    }

    /** The county's sender name (the unit's topmost ancestor), or the default. Also the post-visit SMS's sender. */
    public String senderName(@Nullable String unitRef) {
        Map<String, String> names = configuration.countySenderNameMap();
        if (unitRef != null && !names.isEmpty()) {
            String unitId = unitRef.startsWith("Organization/") ? unitRef.substring("Organization/".length()) : unitRef;
            List<String> ancestors = units.ancestors(unitId);
            String county = ancestors.isEmpty() ? unitId : ancestors.get(ancestors.size() - 1);
            String name = names.get(county);
            if (name != null) {
                return name;
            }
        }
        return configuration.getSenderName();
    }

    private static OperationOutcomeIssueComponent issue(String expression, String message) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.VALUE, message, expression);
    }
}
