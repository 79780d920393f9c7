package fi.vointi.ops;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 18 on PostgreSQL (db/vendor/postgresql/V19): the audit trail is a table partitioned by month; rows land in the
 * month's partition, the trail before V19 is one partition of its own, AuditPartitions keeps months ahead, and the
 * AuditEvent API reads across partitions as before. On H2 the table stays plain and the test is skipped.
 */
@MicronautTest(transactional = false)
class AuditPartitionsTest {
    @Inject
    DataSource dataSource;
    @Inject
    ApplicationContext context;
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    @BeforeEach
    void onPostgresOnly() {
        assumeTrue(Db.onPostgres(), "H2 keeps audit_event unpartitioned");
    }

    private String partitionOf(String id) {
        return Db.strings(dataSource, "SELECT tableoid::regclass::text FROM audit_event WHERE id = ?", id).get(0);
    }

    private void insert(String id, OffsetDateTime recorded) {
        Db.update(dataSource, "INSERT INTO audit_event (id, recorded, action, operation, outcome, http_status, agent_id,"
                + " method, path) VALUES (?, ?, 'R', 'search', '0', 200, 'partition-test', 'GET', '/fhir/AuditEvent')", id, recorded);
    }

    @Test
    void theTrailIsPartitionedByMonthAndReadAcrossPartitions() {
        assertEquals(List.of("p"), Db.strings(dataSource, "SELECT relkind::text FROM pg_class WHERE relname = 'audit_event'"
                + " AND relnamespace = current_schema()::regnamespace"));
        LocalDate thisMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

        // this month: the table that held the trail when V19 ran holds everything up to the end of that month
        String current = UUID.randomUUID().toString();
        insert(current, now);
        assertEquals("audit_event_before_v19", partitionOf(current));
        // next month and the one after: partitions of their own, made by the migration
        String nextMonth = UUID.randomUUID().toString();
        insert(nextMonth, thisMonth.plusMonths(1).atStartOfDay().atOffset(ZoneOffset.UTC).plusHours(5));
        assertEquals(AuditPartitions.name(thisMonth.plusMonths(1)), partitionOf(nextMonth));
        // far beyond the maintained months: the default partition keeps it rather than refusing the row
        String far = UUID.randomUUID().toString();
        insert(far, OffsetDateTime.of(2100, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertEquals("audit_event_default", partitionOf(far));
        Db.update(dataSource, "DELETE FROM audit_event WHERE id = ?", far);

        // the API's queries are unchanged and read every partition
        FhirTestClient admin = new FhirTestClient(server).as(new Tokens(issuer).admin());
        Bundle trail = admin.get("/fhir/AuditEvent?agent=partition-test&_count=50").resource(Bundle.class);
        List<String> ids = trail.getEntry().stream().map(e -> ((AuditEvent) e.getResource()).getIdElement().getIdPart()).toList();
        assertTrue(ids.contains(current) && ids.contains(nextMonth), ids.toString());
        assertEquals(200, admin.get("/fhir/AuditEvent/" + nextMonth).status());
    }

    @Test
    void theMaintenanceJobKeepsMonthsAheadAndIsIdempotent() {
        AuditPartitions partitions = context.getBean(AuditPartitions.class);
        LocalDate thisMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        partitions.ensure();
        for (int i = 1; i <= AuditPartitions.MONTHS_AHEAD; i++) {
            String name = AuditPartitions.name(thisMonth.plusMonths(i));
            assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'audit_event'::regclass AND c.relname = ?", name), name);
        }
        // a year on, the job adds that year's months; again, it adds nothing
        LocalDate later = thisMonth.plusMonths(12);
        List<String> created = partitions.ensure(later);
        assertEquals(AuditPartitions.MONTHS_AHEAD + 1, created.size(), created.toString());
        assertEquals(List.of(), partitions.ensure(later));
        String id = UUID.randomUUID().toString();
        insert(id, later.plusMonths(2).atStartOfDay().atOffset(ZoneOffset.UTC));
        assertEquals(AuditPartitions.name(later.plusMonths(2)), partitionOf(id));
    }
}
