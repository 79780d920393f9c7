package fi.vointi.messaging;

import fi.vointi.support.Db;
import fi.vointi.support.PagesRead;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sender's housekeeping after every round (every 15 s on every instance: erase addresses and texts whose time has
 * come, delete records past their retention) reads a few pages when nothing is due, however many messages the
 * outbox keeps on record (V35; before, the erasure re-read every row ever erased and the deletion scanned the whole
 * table, each round). Measured with PostgreSQL's page counts (EXPLAIN ANALYZE BUFFERS) among 5,000 messages.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.messaging.sender-enabled", value = "false")
class OutboxExpiryLookupTest {
    private static final int STORED = 5_000;
    /** An index descent that finds nothing due; the 5,000 erased rows are ~100 pages, their index entries ~20. */
    private static final int FEW_PAGES = 8;

    @Inject
    DataSource dataSource;
    @Inject
    OutboxStore outbox;

    @AfterEach
    void removeMessages() {
        if (Db.onPostgres()) {
            Db.update(dataSource, "DELETE FROM message_outbox WHERE id LIKE 'expiry-lookup-%'");
        }
    }

    @Test
    void housekeepingWithNothingDueReadsAFewPagesWhateverTheOutboxSize() {
        assumeTrue(Db.onPostgres(), "page counts are PostgreSQL's EXPLAIN (BUFFERS)");
        Instant now = Instant.now();
        Instant recordsBefore = now.minus(Duration.ofDays(400));
        // messages sent one an hour over the last 200 days, to be erased a week after sending
        Db.update(dataSource, "INSERT INTO message_outbox (id, channel, purpose, recipient_key, recipient, body, status,"
                + " attempts, not_before, created_at, sent_at, finished_at, erase_after)"
                + " SELECT 'expiry-lookup-' || n, 'sms', 'invitation', md5('k' || n) || md5('r' || n), '+358401234567',"
                + " repeat('x', 160), 'delivered', 1, t, t, t, t, t + interval '7 days'"
                + " FROM generate_series(1, " + STORED + ") n, LATERAL (SELECT now() - interval '8 days' - n * interval '1 hour' t) s");
        // an earlier round erased them all, and autovacuum has been by since
        assertTrue(outbox.expire(now, recordsBefore)[0] >= STORED);
        Db.update(dataSource, "VACUUM ANALYZE message_outbox");

        assertFewPages(OutboxStore.ERASE_DUE, now);
        assertFewPages(OutboxStore.DELETE_OLD_RECORDS, recordsBefore);
        assertEquals(STORED, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE id LIKE 'expiry-lookup-%'"
                + " AND recipient IS NULL AND body IS NULL"), "erased, and kept on record");
    }

    private void assertFewPages(String sql, Instant parameter) {
        PagesRead.of(dataSource, sql, parameter.atOffset(ZoneOffset.UTC))
                .assertAtMost(FEW_PAGES, "with nothing due among " + STORED);
    }
}
