package fi.vointi.subscriptions;

import fi.vointi.audit.AuditLog;
import fi.vointi.audit.AuditRecord;
import fi.vointi.fhir.FhirJson;
import fi.vointi.security.AccessPolicy;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers subscription notifications. Every instance runs it every {@code vointi.subscriptions.poll-interval}: a round
 * claims due events (a lease each, see {@link SubscriptionStore}), posts one notification per event to its
 * subscription's rest-hook (events of one subscription in order, one after another) and records the outcome: a 2xx
 * answer delivers; anything else is retried after exponential backoff, and given up after {@code max-attempts}. Then it
 * sends the heartbeats that are due. What a notification carries is decided now, by what the subscriber may read now.
 */
@Singleton
public class SubscriptionSender {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionSender.class);
    private final SubscriptionStore store;
    private final AuditLog audit;
    private final SubscriptionConfiguration configuration;
    private final FhirJson json;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService workers;
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    SubscriptionSender(SubscriptionStore store, AuditLog audit, SubscriptionConfiguration configuration, FhirJson json, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.configuration = configuration;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.workers = Executors.newFixedThreadPool(configuration.getThreads(), r -> {
            Thread t = new Thread(r, "subscription-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /** What one round did. */
    public record Round(int claimed, int delivered, int retried, int failed, int heartbeats, int handshakes) {
    }

    /** What the endpoint made of a POST: its HTTP status (0 when none came) and, unless 2xx, what went wrong. */
    private record Answer(int status, @io.micronaut.core.annotation.Nullable String error) {
    }

    @Scheduled(fixedDelay = "${vointi.subscriptions.poll-interval:5s}", initialDelay = "${vointi.subscriptions.poll-interval:5s}")
    void scheduled() {
        if (!configuration.isSenderEnabled()) {
            return;
        }
        try {
            Round round;
            do {
                round = sendDue();
            } while (round.claimed() == configuration.getBatchSize());
            // the table would otherwise keep every event ever raised (issue 19, noticed in the SQL read)
            store.deleteFinishedEvents(clock.instant().minus(configuration.getEventRetention()));
        } catch (RuntimeException e) {
            LOG.error("Subscription sender round failed", e);
        }
    }

    /** One round: due handshakes, due events, then due heartbeats. Public for operators' tools and tests. */
    public Round sendDue() {
        int handshakes = handshakes();
        Instant now = clock.instant();
        List<SubscriptionStore.ClaimedEvent> claimed = store.claim(instance + "/" + UUID.randomUUID(), now,
                now.plus(configuration.getLease()), configuration.getBatchSize());
        AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        Map<String, List<SubscriptionStore.ClaimedEvent>> bySubscription = new LinkedHashMap<>();
        claimed.stream().sorted(java.util.Comparator.comparingLong(SubscriptionStore.ClaimedEvent::eventNumber))
                .forEach(e -> bySubscription.computeIfAbsent(e.subscriptionId(), k -> new ArrayList<>()).add(e));
        List<Future<?>> running = new ArrayList<>();
        for (List<SubscriptionStore.ClaimedEvent> events : bySubscription.values()) {
            running.add(workers.submit(() -> {
                for (int i = 0; i < events.size(); i++) {
                    int outcome = handle(events.get(i));
                    counts[outcome].incrementAndGet();
                    if (outcome != 0) {
                        // the endpoint is failing: the later events of this subscription wait, without an attempt counted
                        Instant later = clock.instant().plus(configuration.getBackoffFirst());
                        events.subList(i + 1, events.size()).forEach(e -> store.release(e, later));
                        break;
                    }
                }
            }));
        }
        waitFor(running);
        int heartbeats = heartbeats();
        return new Round(claimed.size(), counts[0].get(), counts[1].get(), counts[2].get(), heartbeats, handshakes);
    }

    /** Delivers one claimed event; returns what happened: 0 delivered, 1 retried, 2 failed. */
    private int handle(SubscriptionStore.ClaimedEvent e) {
        Optional<StoredSubscription> found = store.find(e.subscriptionId());
        Instant now = clock.instant();
        if (found.isEmpty() || !store.startAttempt(e, now.plus(configuration.getLease()))) {
            return 1; // deleted meanwhile (its events went with it) or taken over: not ours to send
        }
        StoredSubscription s = found.get();
        if ("off".equals(s.statusAt(now))) {
            store.failed(e, "subscription ended", null);
            return 2;
        }
        Disclosed event = event(s, e);
        Bundle bundle = Notifications.notification(s, "event-notification", e.eventNumber(), List.of(event.event()), now);
        Answer answer = post(s, bundle);
        String error = answer.error();
        Instant done = clock.instant();
        int attempt = e.attempts() + 1;
        boolean givenUp = error != null && attempt >= configuration.getMaxAttempts();
        // the row first: a delivery counts only once its disclosure is recorded (if the trail cannot be written, this
        // throws, the event stays claimed until its lease runs out and is sent again, with its own row)
        audit.append(auditRecord(s, e, event, answer, done, givenUp));
        if (error == null) {
            store.delivered(e, done, s.heartbeatSeconds() == null ? null : done.plusSeconds(s.heartbeatSeconds()));
            return 0;
        }
        if (givenUp) {
            LOG.warn("Subscription {} event {} given up after {} attempts: {}", s.id(), e.eventNumber(), attempt, error);
            store.failed(e, error, null);
            return 2;
        }
        store.failed(e, error, done.plus(configuration.backoff().after(attempt)));
        return 1;
    }

    /** An event as sent, with what it disclosed: the focus's reference (and version, in full) and its patient. */
    private record Disclosed(Notifications.Event event, @io.micronaut.core.annotation.Nullable String patientId,
                             @io.micronaut.core.annotation.Nullable String version) {
        static Disclosed nothing(Notifications.Event event) {
            return new Disclosed(event, null, null);
        }
    }

    /**
     * The audit row of one attempt to deliver an event notification (docs/subscriptions.md, Audit): agent the
     * subscriber (its client id), entities the subscription and the focus the notification named (the included
     * resource for full-resource), the focus's patient, outcome delivered (0) or failed (4 retried, 8 given up) with the
     * endpoint's HTTP status (0: no answer). Every attempt is recorded: a failed one may still have reached the receiver.
     */
    private static AuditRecord auditRecord(StoredSubscription s, SubscriptionStore.ClaimedEvent e, Disclosed d, Answer answer,
                                           Instant at, boolean givenUp) {
        List<String> entities = new ArrayList<>();
        entities.add("Subscription/" + s.id());
        Notifications.Event event = d.event();
        if (event.focusUrl() != null) {
            entities.add(event.focusType() + "/" + e.focusId());
        }
        String disclosed = event.focusUrl() == null ? "no focus" : event.resource() != null
                ? event.focusType() + "/" + e.focusId() + (d.version() == null ? "" : "/_history/" + d.version()) + " in full"
                : event.focusType() + "/" + e.focusId() + " by reference";
        String outcome = answer.error() == null ? "delivered" : (givenUp ? "failed, given up: " : "failed, retried: ") + answer.error();
        String detail = "topic " + s.topic().code() + ", event " + e.eventNumber() + ", content " + s.content().code()
                + ", attempt " + (e.attempts() + 1) + "; disclosed " + disclosed + "; " + outcome;
        return new AuditRecord(UUID.randomUUID().toString(), at, "E", "notify",
                answer.error() == null ? "0" : givenUp ? "8" : "4", answer.status(), s.clientId(), s.clientId(), "system",
                null, "POST", receiver(s.endpoint()), entities,
                d.patientId() == null ? java.util.Set.of() : java.util.Set.of(d.patientId()), detail);
    }

    /** Where a notification went, without a query string (it might carry a credential). */
    static String receiver(String endpoint) {
        int query = endpoint.indexOf('?');
        String where = query < 0 ? endpoint : endpoint.substring(0, query);
        return where.length() <= 1024 ? where : where.substring(0, 1024);
    }

    /**
     * Handshakes owed by new subscriptions (status requested, R4 Subscriptions Backport IG): a 2xx answer makes the
     * subscription active; anything else puts it in error and retries after the backoff, until max-attempts.
     */
    private int handshakes() {
        Instant now = clock.instant();
        int sent = 0;
        for (StoredSubscription s : store.handshakesDue(now, configuration.getBatchSize())) {
            if (!store.takeHandshake(s.id(), s.handshakeDueAt(), now.plus(configuration.getLease()))) {
                continue; // another instance took it
            }
            if ("off".equals(s.statusAt(now))) {
                store.handshakeFailed(s.id(), "subscription ended before its handshake", null, now);
                continue;
            }
            Answer answer = post(s, Notifications.notification(s, "handshake", 0, List.of(), now));
            Instant done = clock.instant();
            int attempt = s.handshakeAttempts() + 1;
            if (answer.error() == null) {
                store.handshakeDone(s.id(), done, s.heartbeatSeconds() == null ? null : done.plusSeconds(s.heartbeatSeconds()));
            } else if (attempt >= configuration.getMaxAttempts()) {
                LOG.warn("Subscription {} handshake given up after {} attempts: {}", s.id(), attempt, answer.error());
                store.handshakeFailed(s.id(), "handshake failed, given up: " + answer.error(), null, done);
            } else {
                store.handshakeFailed(s.id(), "handshake failed: " + answer.error(),
                        done.plus(configuration.backoff().after(attempt)), done);
            }
            sent++;
        }
        return sent;
    }

    /**
     * The event as the subscriber may see it now: no focus once it may not read it (withdrawn, erased). A withdrawal
     * names the response to those who could read it while it was shared (it still exists, in a unit they cover).
     */
    private Disclosed event(StoredSubscription s, SubscriptionStore.ClaimedEvent e) {
        Notifications.Event none = new Notifications.Event(e.eventNumber(), e.occurredAt(), null, null, null);
        if (s.content() == SubscriptionRequest.Content.EMPTY) {
            return Disclosed.nothing(none);
        }
        boolean withdrawal = s.topic() == Topic.RESPONSE_SHARING_WITHDRAWN;
        Optional<SubscriptionStore.Focus> focus = store.focus(e.focusType(), e.focusId())
                .filter(f -> AccessPolicy.read(SubscriptionEvents.subscriber(s), withdrawal ? asShared(f.facts()) : f.facts()).isEmpty());
        if (focus.isEmpty()) {
            return Disclosed.nothing(none);
        }
        Resource resource = null;
        if (s.content() == SubscriptionRequest.Content.FULL_RESOURCE && !withdrawal) {
            resource = "Observation".equals(e.focusType()) ? json.parseStored(focus.get().resourceJson(), Observation.class)
                    : json.parseStored(focus.get().resourceJson(), QuestionnaireResponse.class);
        }
        Notifications.Event event = new Notifications.Event(e.eventNumber(), e.occurredAt(),
                s.baseUrl() + "/" + e.focusType() + "/" + e.focusId(), e.focusType(), resource);
        return new Disclosed(event, focus.get().facts().patientId(),
                resource == null || !resource.getMeta().hasVersionId() ? null : resource.getMeta().getVersionId());
    }

    private static AccessPolicy.ResponseFacts asShared(AccessPolicy.ResponseFacts f) {
        return new AccessPolicy.ResponseFacts(f.subjectType(), f.subjectId(), f.unitRef(), true, f.closedToGuardians());
    }

    /** Heartbeats of subscriptions that have been quiet for their period; one instance sends each. */
    private int heartbeats() {
        Instant now = clock.instant();
        int sent = 0;
        for (StoredSubscription s : store.heartbeatsDue(now, configuration.getBatchSize())) {
            if (s.heartbeatSeconds() == null || !store.takeHeartbeat(s.id(), s.nextHeartbeatAt(), now.plusSeconds(s.heartbeatSeconds()))) {
                continue;
            }
            if ("off".equals(s.statusAt(now))) {
                continue;
            }
            // a heartbeat names no event and no resource: it discloses nothing and is not audited
            String error = post(s, Notifications.notification(s, "heartbeat", s.eventsSinceStart(), List.of(), now)).error();
            if (error != null) {
                LOG.info("Heartbeat of subscription {} not delivered: {}", s.id(), error);
            }
            sent++;
        }
        return sent;
    }

    /** Posts a notification: the endpoint's status, and no error when it was 2xx. */
    private Answer post(StoredSubscription s, Bundle bundle) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(s.endpoint()))
                    .timeout(Duration.ofSeconds(s.timeoutSeconds()))
                    .header("Content-Type", SubscriptionRequest.FHIR_JSON + "; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(json.encode(bundle), StandardCharsets.UTF_8));
            for (String header : s.headers()) {
                int colon = header.indexOf(':');
                request.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Answer(response.statusCode(), response.statusCode() / 100 == 2 ? null : "endpoint answered " + response.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            return new Answer(0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "interrupted");
        }
    }

    private static void waitFor(List<Future<?>> running) {
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                LOG.error("Delivering a notification failed", e.getCause());
            }
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
