package fi.vointi.subscriptions;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.hl7.fhir.r4.model.UriType;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The R4 shapes of the Subscriptions Backport IG: the Subscription as stored, the {@code SubscriptionStatus} Parameters
 * (profile backport-subscription-status-r4), the notification Bundle (type history, the status first) and the topics
 * as Basic resources with the R5 cross-version extensions.
 */
final class Notifications {
    static final String STATUS_PROFILE = SubscriptionRequest.BACKPORT + "backport-subscription-status-r4";
    static final String NOTIFICATION_PROFILE = SubscriptionRequest.BACKPORT + "backport-subscription-notification-r4";
    static final String MASK = "***";
    static final String TOPIC_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic";

    private Notifications() {
    }

    /** One event in a notification: its number and time, and the focus as far as the subscriber may see it. */
    record Event(long number, Instant occurredAt, @Nullable String focusUrl, @Nullable String focusType,
                 @Nullable Resource resource) {
    }

    static Subscription resource(StoredSubscription s, Instant now) {
        Subscription r = new Subscription();
        r.setId(s.id());
        r.getMeta().addProfile(SubscriptionRequest.PROFILE).setVersionId(Integer.toString(s.versionId()))
                .setLastUpdated(Date.from(s.lastUpdated()));
        r.setStatus(Subscription.SubscriptionStatus.fromCode(s.statusAt(now)));
        if (s.end() != null) {
            r.setEnd(Date.from(s.end()));
        }
        r.setReason(s.reason() != null ? s.reason() : s.topic().title());
        if (s.lastError() != null) {
            r.setError(s.lastError());
        }
        r.setCriteria(s.topic().url());
        if (s.unitRefs() != null) {
            r.getCriteriaElement().addExtension(SubscriptionRequest.FILTER_CRITERIA, new StringType(
                    s.topic().resourceType() + "?" + Topic.UNIT_FILTER + "=" + String.join(",", s.unitRefs())));
        }
        Subscription.SubscriptionChannelComponent channel = r.getChannel();
        channel.setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint(s.endpoint())
                .setPayload(SubscriptionRequest.FHIR_JSON);
        channel.getPayloadElement().addExtension(SubscriptionRequest.PAYLOAD_CONTENT, new CodeType(s.content().code()));
        if (s.heartbeatSeconds() != null) {
            channel.addExtension(SubscriptionRequest.HEARTBEAT_PERIOD, new UnsignedIntType(s.heartbeatSeconds()));
        }
        channel.addExtension(SubscriptionRequest.TIMEOUT, new UnsignedIntType(s.timeoutSeconds()));
        // the values may be the EHR's credential: never shown again, not even to the client that set them
        s.headers().forEach(h -> channel.addHeader(masked(h)));
        return r;
    }

    /** A header as reads show it: the name, and {@value #MASK} for the value. */
    static String masked(String header) {
        int colon = header.indexOf(':');
        return (colon < 0 ? header : header.substring(0, colon)) + ": " + MASK;
    }

    /** SubscriptionStatus as R4 Parameters: {@code type} is event-notification, heartbeat or query-status. */
    static Parameters status(StoredSubscription s, String type, long eventsSinceStart, List<Event> events, Instant now) {
        Parameters p = new Parameters();
        p.setId(UUID.randomUUID().toString());
        p.getMeta().addProfile(STATUS_PROFILE);
        p.addParameter().setName("subscription").setValue(new Reference(s.baseUrl() + "/Subscription/" + s.id()));
        p.addParameter().setName("topic").setValue(new CanonicalType(s.topic().url()));
        p.addParameter().setName("status").setValue(new CodeType(s.statusAt(now)));
        p.addParameter().setName("type").setValue(new CodeType(type));
        p.addParameter().setName("events-since-subscription-start").setValue(new StringType(Long.toString(eventsSinceStart)));
        for (Event e : events) {
            Parameters.ParametersParameterComponent event = p.addParameter().setName("notification-event");
            event.addPart().setName("event-number").setValue(new StringType(Long.toString(e.number())));
            event.addPart().setName("timestamp").setValue(new InstantType(Date.from(e.occurredAt())));
            if (e.focusUrl() != null) {
                event.addPart().setName("focus").setValue(new Reference(e.focusUrl()));
            }
        }
        if (s.lastError() != null) {
            p.addParameter().setName("error").setValue(new CodeableConcept().setText(s.lastError()));
        }
        return p;
    }

    /** A notification Bundle (type history): the status first, then the focus of each event as the content allows. */
    static Bundle notification(StoredSubscription s, String type, long eventsSinceStart, List<Event> events, Instant now) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().addProfile(NOTIFICATION_PROFILE);
        bundle.setTimestamp(Date.from(now));
        Parameters status = status(s, type, eventsSinceStart, events, now);
        Bundle.BundleEntryComponent first = bundle.addEntry().setFullUrl("urn:uuid:" + status.getIdPart()).setResource(status);
        first.getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(s.baseUrl() + "/Subscription/" + s.id() + "/$status");
        first.getResponse().setStatus("200");
        for (Event e : events) {
            if (e.focusUrl() == null) {
                continue;
            }
            Bundle.BundleEntryComponent entry = bundle.addEntry().setFullUrl(e.focusUrl());
            if (e.resource() != null) {
                entry.setResource(e.resource());
            }
            if (s.topic() == Topic.RESPONSE_SHARING_WITHDRAWN) {
                // no longer the subscriber's to read: for it the resource is gone (it stays at Vointi, with the patient)
                entry.getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(e.focusUrl().substring(s.baseUrl().length() + 1));
                entry.getResponse().setStatus("200");
            } else {
                entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(e.focusType());
                entry.getResponse().setStatus("201");
            }
        }
        return bundle;
    }

    /** The $status answer: a searchset Bundle with the status (type query-status). */
    static Bundle statusBundle(StoredSubscription s, Instant now) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(1);
        Parameters status = status(s, "query-status", s.eventsSinceStart(), List.of(), now);
        bundle.addEntry().setFullUrl("urn:uuid:" + status.getIdPart()).setResource(status)
                .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        return bundle;
    }

    /** A topic as an R4 Basic resource with the R5 SubscriptionTopic cross-version extensions (the IG's R4 form). */
    static Basic topic(Topic topic) {
        Basic basic = new Basic();
        basic.setId(topic.code());
        basic.setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/fhir-types", "SubscriptionTopic", "SubscriptionTopic")));
        basic.addExtension(TOPIC_EXTENSION + ".url", new UriType(topic.url()));
        basic.addExtension(TOPIC_EXTENSION + ".title", new StringType(topic.title()));
        basic.addExtension(TOPIC_EXTENSION + ".status", new CodeType("active"));
        basic.addExtension(TOPIC_EXTENSION + ".description", new MarkdownType(topic.description()));
        Extension trigger = new Extension(TOPIC_EXTENSION + ".resourceTrigger");
        trigger.addExtension("description", new MarkdownType(topic.description()));
        trigger.addExtension("resource", new UriType("http://hl7.org/fhir/StructureDefinition/" + topic.resourceType()));
        basic.addExtension(trigger);
        Extension filter = new Extension(TOPIC_EXTENSION + ".canFilterBy");
        filter.addExtension("description", new MarkdownType("The service unit of the response (extension service-unit):"
                + " Organization/[id], several separated by commas"));
        filter.addExtension("resource", new UriType("http://hl7.org/fhir/StructureDefinition/" + topic.resourceType()));
        filter.addExtension("filterParameter", new StringType(Topic.UNIT_FILTER));
        basic.addExtension(filter);
        return basic;
    }
}
