package fi.vointi.subscriptions;

import fi.vointi.support.Db;
import fi.vointi.support.PagesRead;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Notification events do not pile up (issue 19, noticed in the SQL read: {@code subscription_event} kept every event
 * ever raised): a sender round deletes the delivered and given-up ones past {@code vointi.subscriptions.event-retention}
 * (7 days), keeps newer ones and never touches a queued event, however old. On PostgreSQL the deletion reads a few
 * pages when nothing is due, whatever the table holds, as it runs every 5 s on every instance.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.subscriptions.poll-interval", value = "1h") // the test runs the round itself
class SubscriptionEventRetentionTest {
    private static final String SUBSCRIPTION = "retention-test-subscription";

    @Inject
    DataSource dataSource;
    @Inject
    SubscriptionSender sender;

    @AfterEach
    void removeSubscription() {
        Db.update(dataSource, "DELETE FROM subscription_event WHERE subscription_id = ?", SUBSCRIPTION);
        Db.update(dataSource, "DELETE FROM subscription WHERE id = ?", SUBSCRIPTION);
    }

    @Test
    void aRoundDeletesFinishedEventsPastTheirRetentionOnly() {
        Instant now = Instant.now();
        subscription(now);
        event(1, "sent", now.minus(Duration.ofDays(8)), null);
        event(2, "failed", now.minus(Duration.ofDays(8)), null);
        // queued for a month and claimed by another instance right now: late, but not finished
        event(3, "queued", now.minus(Duration.ofDays(30)), now.plus(Duration.ofHours(1)));
        event(4, "sent", now.minus(Duration.ofDays(6)), null);
        event(5, "failed", now.minus(Duration.ofHours(1)), null);

        sender.scheduled();

        assertEquals(List.of("3", "4", "5"), Db.strings(dataSource,
                "SELECT event_number FROM subscription_event WHERE subscription_id = ? ORDER BY event_number", SUBSCRIPTION));
    }

    @Test
    void theDeletionReadsAFewPagesWhenNothingIsDue() {
        assumeTrue(Db.onPostgres(), "page counts are PostgreSQL's EXPLAIN (BUFFERS)");
        Instant now = Instant.now();
        subscription(now);
        // five thousand events delivered over the last five days: all within their retention
        Db.update(dataSource, "INSERT INTO subscription_event (subscription_id, event_number, focus_type, focus_id,"
                + " occurred_at, status, attempts, not_before, sent_at) SELECT ?, n, 'Observation', md5('o' || n), t,"
                + " 'sent', 1, t, t FROM generate_series(1, 5000) n, LATERAL (SELECT now() - n * interval '1 minute' t) s",
                SUBSCRIPTION);
        Db.update(dataSource, "ANALYZE subscription_event");

        // an index descent per status (measured 10 pages); reading the 5,000 rows would be ~70
        PagesRead.of(dataSource, SubscriptionStore.DELETE_FINISHED_EVENTS, now.minus(Duration.ofDays(7)).atOffset(ZoneOffset.UTC))
                .assertAtMost(16, "with nothing due among 5,000 events");
    }

    private void subscription(Instant now) {
        Db.update(dataSource, "INSERT INTO subscription (id, client_id, scopes, topic, status, endpoint, content,"
                + " timeout_seconds, base_url, created_at, last_updated, handshake) VALUES (?, 'ehr', 'system/Observation.rs',"
                + " 'https://vointi.fi/fhir/SubscriptionTopic/score-observation-created', 'active', 'https://ehr.invalid/notify',"
                + " 'id-only', 10, 'https://vointi.invalid/fhir', ?, ?, 'done')",
                SUBSCRIPTION, Timestamp.from(now), Timestamp.from(now));
    }

    private void event(long number, String status, Instant notBefore, Instant claimedUntil) {
        Db.update(dataSource, "INSERT INTO subscription_event (subscription_id, event_number, focus_type, focus_id,"
                + " occurred_at, status, attempts, not_before, claimed_by, claimed_until) VALUES (?, ?, 'Observation', ?, ?,"
                + " ?, 1, ?, ?, ?)", SUBSCRIPTION, number, "o-" + number, Timestamp.from(notBefore), status,
                Timestamp.from(notBefore), claimedUntil == null ? null : "another-instance",
                claimedUntil == null ? null : Timestamp.from(claimedUntil));
    }
}
