package fi.vointi.usage;

import fi.vointi.support.Db;
import fi.vointi.support.PagesRead;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PROM usage page joins one unit's responses of a period to the invitations they answered: it reads the pages of
 * those responses and their invitations, not every invitation ever sent (ix_invitation_response, V35; without it the
 * join read the whole invitation table for every report, and the retention job did so for every 500 responses it
 * deleted). Measured with PostgreSQL's page counts (EXPLAIN ANALYZE BUFFERS) among 5,000 invitations.
 */
@MicronautTest(transactional = false)
class InvitationOfResponseLookupTest {
    private static final int STORED = 5_000;
    /** A unit's ~15 responses of the day and their invitations; the invitation table of 5,000 rows is ~500 pages. */
    private static final int FEW_PAGES = 120;

    @Inject
    DataSource dataSource;

    @AfterEach
    void removeRows() {
        if (Db.onPostgres()) {
            Db.update(dataSource, "DELETE FROM invitation WHERE id LIKE 'usage-lookup-%'");
            Db.update(dataSource, "DELETE FROM questionnaire_response WHERE id LIKE 'usage-lookup-%'");
        }
    }

    @Test
    void aUnitsResponsesFindTheirInvitationsInAFewPagesWhateverTheTableSize() {
        assumeTrue(Db.onPostgres(), "page counts are PostgreSQL's EXPLAIN (BUFFERS)");
        // one response a minute among 100 units; every other one answered an invitation
        Db.update(dataSource, "INSERT INTO questionnaire_response (id, version_id, questionnaire_url, questionnaire_version,"
                + " status, subject_type, subject_id, authored, identifier_system, unit_ref, last_updated, resource_json)"
                + " SELECT 'usage-lookup-' || n, 1, url, version, 'completed', 'Patient', 'usage-lookup-patient-' || n,"
                + " now() - n * interval '1 minute', '', 'Organization/usage-lookup-' || (n % 100), now(), '{}'"
                + " FROM generate_series(1, " + STORED + ") n, (SELECT url, version FROM questionnaire LIMIT 1) q");
        Db.update(dataSource, "INSERT INTO invitation (id, token_sha256, patient_id, questionnaire_url, questionnaire_version,"
                + " unit_ref, requester, status, created_at, expires_at, used_at, response_id, resource_json, last_updated)"
                + " SELECT 'usage-lookup-' || n, md5('usage-lookup-' || n) || md5('token-' || n), 'usage-lookup-patient-' || n,"
                + " 'urn:lookup-q', '1', 'Organization/usage-lookup-' || (n % 100), 'Practitioner/lookup', 'completed',"
                + " now() - n * interval '1 minute' - interval '1 day', now() + interval '13 days',"
                + " CASE WHEN n % 2 = 0 THEN now() - n * interval '1 minute' END,"
                + " CASE WHEN n % 2 = 0 THEN 'usage-lookup-' || n END, repeat('x', 500), now()"
                + " FROM generate_series(1, " + STORED + ") n");
        Db.update(dataSource, "ANALYZE questionnaire_response");
        Db.update(dataSource, "ANALYZE invitation");

        OffsetDateTime now = OffsetDateTime.now();
        PagesRead.Plan plan = PagesRead.of(dataSource, PromUsageReport.responsesWithInvitations(1),
                "Organization/usage-lookup-42", now.minusDays(1), now)
                .assertAtMost(FEW_PAGES, "for one unit's day among " + STORED + " invitations");
        assertTrue(plan.text().contains("rows=14") || plan.text().contains("rows=15"), "the unit's day:\n" + plan.text());
    }
}
