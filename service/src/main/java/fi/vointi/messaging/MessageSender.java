package fi.vointi.messaging;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outbox sender. Every instance runs it every {@code vointi.messaging.poll-interval}; each round claims due messages
 * (a lease per message, see {@link OutboxStore}) and hands each to its provider once per attempt. Before an attempt it
 * checks opt-out (cancel), quiet hours and the per-person cap (hold, no attempt counted). After it: accepted → sent;
 * refused for good → failed; otherwise queued again after exponential backoff, failed after {@code max-attempts}.
 */
@Singleton
public class MessageSender {
    private static final Logger LOG = LoggerFactory.getLogger(MessageSender.class);
    private final OutboxStore outbox;
    private final OptOuts optOuts;
    private final EmailSender email;
    private final SmsGateway sms;
    private final EmailConfiguration emailConfiguration;
    private final SmsConfiguration smsConfiguration;
    private final MessagingConfiguration configuration;
    private final QuietHours quietHours;
    private final Clock clock;
    private final ExecutorService workers;
    private final MessageOutcomes outcomes;
    private final OptOutLinks optOutLinks;
    private static final String[] OUTCOMES = {"sent", "failed", "retry", "held", "cancelled"};
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    MessageSender(OutboxStore outbox, OptOuts optOuts, EmailSender email, SmsGateway sms, EmailConfiguration emailConfiguration,
                  SmsConfiguration smsConfiguration, MessagingConfiguration configuration, Clock clock, MessageOutcomes outcomes,
                  OptOutLinks optOutLinks) {
        this.optOutLinks = optOutLinks;
        this.outbox = outbox;
        this.outcomes = outcomes;
        this.optOuts = optOuts;
        this.email = email;
        this.sms = sms;
        this.emailConfiguration = emailConfiguration;
        this.smsConfiguration = smsConfiguration;
        this.configuration = configuration;
        this.quietHours = configuration.quietHours();
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(configuration.getThreads(), r -> {
            Thread t = new Thread(r, "message-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /** What one round did. */
    public record Round(int claimed, int sent, int failed, int retried, int held, int cancelled) {
    }

    @Scheduled(fixedDelay = "${vointi.messaging.poll-interval:15s}", initialDelay = "${vointi.messaging.poll-interval:15s}")
    void scheduled() {
        if (!configuration.isSenderEnabled()) {
            return;
        }
        try {
            Round round;
            do {
                round = sendDue();
            } while (round.claimed() == configuration.getBatchSize());
            expire();
        } catch (RuntimeException e) {
            LOG.error("Message sender round failed", e);
        }
    }

    /** One round: claims up to {@code batch-size} due messages and tries each once. Public for operators' tools and tests. */
    public Round sendDue() {
        Instant now = clock.instant();
        List<OutboxStore.Claimed> claimed = outbox.claim(instance + "/" + UUID.randomUUID(), now,
                now.plus(configuration.getLease()), configuration.getBatchSize());
        AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        List<Future<?>> running = new ArrayList<>();
        // messages to one address go one after another, so that the per-person cap counts each of them
        Map<String, List<OutboxStore.Claimed>> byAddress = new LinkedHashMap<>();
        claimed.forEach(m -> byAddress.computeIfAbsent(m.recipientKey(), k -> new ArrayList<>()).add(m));
        for (List<OutboxStore.Claimed> messages : byAddress.values()) {
            running.add(workers.submit(() -> messages.forEach(m -> {
                int outcome = handle(m);
                counts[outcome].incrementAndGet();
                outcomes.count(m.message().channel(), OUTCOMES[outcome]);
            })));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                LOG.error("Sending a message failed", e.getCause());
            }
        }
        return new Round(claimed.size(), counts[0].get(), counts[1].get(), counts[2].get(), counts[3].get(), counts[4].get());
    }

    /** Sends one claimed message; returns the index of what happened: sent, failed, retried, held, cancelled. */
    private int handle(OutboxStore.Claimed m) {
        Instant now = clock.instant();
        Channel channel = m.message().channel();
        if (optOuts.optedOut(m.recipientKey(), m.patientId())) {
            outbox.cancel(m, "opted out", now);
            return 4;
        }
        if (channel == Channel.SMS && quietHours.isQuiet(now)) {
            outbox.defer(m, quietHours.nextAllowed(now));
            return 3;
        }
        // the per-person cap, decided atomically with the start: another instance may be sending to the same person now
        Instant refused = outbox.startAttempt(m, instance, now, now.plus(configuration.getLease()),
                now.minus(configuration.getRatePeriod()), configuration.getRateCap());
        if (refused == OutboxStore.LOST) {
            return 3; // taken over or cancelled meanwhile: not ours to send
        }
        if (refused != null) {
            Instant later = refused.equals(now) ? now.plus(configuration.getLease()) : refused.plus(configuration.getRatePeriod());
            outbox.defer(m, channel == Channel.SMS ? quietHours.nextAllowed(later) : later);
            return 3;
        }
        Delivery delivery = deliver(m.message());
        Instant done = clock.instant();
        Instant erase = done.plus(configuration.getAddressRetention());
        int attempt = m.attempts() + 1;
        if (delivery instanceof Delivery.Accepted a) {
            outbox.finishAttempt(m, "accepted", a.detail(), "sent", a.providerId(), null, done, erase);
            return 0;
        }
        if (delivery instanceof Delivery.Rejected r) {
            outbox.finishAttempt(m, "rejected", r.detail(), "failed", null, null, done, erase);
            LOG.warn("Message {} refused for good: {}", m.message().id(), r.detail());
            return 1;
        }
        if (attempt >= configuration.getMaxAttempts()) {
            outbox.finishAttempt(m, "retry", delivery.detail(), "failed", null, null, done, erase);
            LOG.warn("Message {} given up after {} attempts: {}", m.message().id(), attempt, delivery.detail());
            return 1;
        }
        outbox.finishAttempt(m, "retry", delivery.detail(), "queued", null, done.plus(configuration.backoff().after(attempt)), done, null);
        return 2;
    }

    private Delivery deliver(OutgoingMessage m) {
        try {
            if (m.channel() == Channel.SMS) {
                return smsConfiguration.configured() ? sms.send(m) : new Delivery.Retry("no SMS gateway configured");
            }
            return emailConfiguration.configured() ? email.send(m) : new Delivery.Retry("no SMTP server configured");
        } catch (RuntimeException e) {
            return new Delivery.Retry(e.toString());
        }
    }

    /**
     * Erases addresses and texts past their retention, deletes old records and forgets expired opt-out links; returns
     * {erased, deleted}.
     */
    public int[] expire() {
        Instant now = clock.instant();
        optOutLinks.expire(now);
        return outbox.expire(now, now.minus(configuration.getRecordRetention()));
    }

    public String instance() {
        return instance;
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
