package fi.vointi.subscriptions;

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
    private final SubscriptionConfiguration configuration;
    private final FhirJson json;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService workers;
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    SubscriptionSender(SubscriptionStore store, SubscriptionConfiguration configuration, FhirJson json, Clock clock) {
        this.store = store;
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
    public record Round(int claimed, int delivered, int retried, int failed, int heartbeats) {
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
        } catch (RuntimeException e) {
            LOG.error("Subscription sender round failed", e);
        }
    }

    /** One round: due events, then due heartbeats. Public for operators' tools and tests. */
    public Round sendDue() {
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
        return new Round(claimed.size(), counts[0].get(), counts[1].get(), counts[2].get(), heartbeats);
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
        Bundle bundle = Notifications.notification(s, "event-notification", e.eventNumber(), List.of(event(s, e)), now);
        String error = post(s, bundle);
        Instant done = clock.instant();
        if (error == null) {
            store.delivered(e, done, s.heartbeatSeconds() == null ? null : done.plusSeconds(s.heartbeatSeconds()));
            return 0;
        }
        int attempt = e.attempts() + 1;
        if (attempt >= configuration.getMaxAttempts()) {
            LOG.warn("Subscription {} event {} given up after {} attempts: {}", s.id(), e.eventNumber(), attempt, error);
            store.failed(e, error, null);
            return 2;
        }
        store.failed(e, error, done.plus(configuration.backoff().after(attempt)));
        return 1;
    }

    /** The event as the subscriber may see it now: no focus once it may not read it (withdrawn, erased). */
    private Notifications.Event event(StoredSubscription s, SubscriptionStore.ClaimedEvent e) {
        if (s.content() == SubscriptionRequest.Content.EMPTY) {
            return new Notifications.Event(e.eventNumber(), e.occurredAt(), null, null, null);
        }
        Optional<SubscriptionStore.Focus> focus = store.focus(e.focusType(), e.focusId())
                .filter(f -> AccessPolicy.read(SubscriptionEvents.subscriber(s), f.facts()).isEmpty());
        if (focus.isEmpty()) {
            return new Notifications.Event(e.eventNumber(), e.occurredAt(), null, null, null);
        }
        Resource resource = null;
        if (s.content() == SubscriptionRequest.Content.FULL_RESOURCE) {
            resource = "Observation".equals(e.focusType()) ? json.parseStored(focus.get().resourceJson(), Observation.class)
                    : json.parseStored(focus.get().resourceJson(), QuestionnaireResponse.class);
        }
        return new Notifications.Event(e.eventNumber(), e.occurredAt(), s.baseUrl() + "/" + e.focusType() + "/" + e.focusId(),
                e.focusType(), resource);
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
            String error = post(s, Notifications.notification(s, "heartbeat", s.eventsSinceStart(), List.of(), now));
            if (error != null) {
                LOG.info("Heartbeat of subscription {} not delivered: {}", s.id(), error);
            }
            sent++;
        }
        return sent;
    }

    /** Posts a notification; null when the endpoint answered 2xx, otherwise what went wrong. */
    private String post(StoredSubscription s, Bundle bundle) {
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
            return response.statusCode() / 100 == 2 ? null : "endpoint answered " + response.statusCode();
        } catch (IOException | IllegalArgumentException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
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
