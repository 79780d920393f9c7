package fi.vointi.schedules;

import fi.vointi.support.Db;
import fi.vointi.support.PagesRead;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every reminder a schedule runs updates the other steps of its invitation (cancels them when answered or expired,
 * forgets the short link when none is pending): a few pages however many steps all the schedules have planned
 * (ix_schedule_step_invitation, V35; without it each of these statements read the whole schedule_step table).
 * Measured with PostgreSQL's page counts (EXPLAIN ANALYZE BUFFERS) among 6,000 steps.
 */
@MicronautTest(transactional = false)
class ReminderLookupTest {
    private static final int ENROLMENTS = 1_000;
    /**
     * An index descent to the invitation's three steps (~5 pages) and the writing of the updated ones with their index
     * entries (~30); scanning the table of 6,000 steps reads ~150 pages more.
     */
    private static final int FEW_PAGES = 50;

    @Inject
    DataSource dataSource;

    @AfterEach
    void removeSchedules() {
        if (Db.onPostgres()) {
            Db.update(dataSource, "DELETE FROM schedule_enrolment WHERE id LIKE 'lookup-%'");
        }
    }

    @Test
    void aReminderUpdatesItsInvitationsStepsReadingAFewPagesWhateverTheTableSize() {
        assumeTrue(Db.onPostgres(), "page counts are PostgreSQL's EXPLAIN (BUFFERS)");
        // each enrolment: two invitations, each with its invite and two reminders (the reminders pending on one in ten)
        Db.update(dataSource, "INSERT INTO schedule_enrolment (id, patient_id, unit_ref, protocol_url, protocol_version,"
                + " episode_start, status, language, created_by, created_at, version_id)"
                + " SELECT 'lookup-' || e, 'lookup-patient-' || e, 'Organization/lookup-unit', 'urn:lookup-protocol', '1',"
                + " current_date, 'active', 'fi', 'Practitioner/lookup', now(), 1 FROM generate_series(1, " + ENROLMENTS + ") e");
        Db.update(dataSource, "INSERT INTO schedule_step (id, enrolment_id, action_id, questionnaire, kind, reminder_no, due_at,"
                + " status, invitation_id, link)"
                + " SELECT 'lookup-' || e || '-' || k, 'lookup-' || e, 'action-' || (k / 3), 'urn:lookup-q|1',"
                + " CASE WHEN k % 3 = 0 THEN 'invite' ELSE 'reminder' END, k % 3, now() + k * interval '3 days',"
                + " CASE WHEN e % 10 = 0 AND k % 3 <> 0 THEN 'pending' ELSE 'done' END,"
                + " 'lookup-invitation-' || e || '-' || (k / 3), 'https://vointi.test/s/' || e || '-' || (k / 3)"
                + " FROM generate_series(1, " + ENROLMENTS + ") e, generate_series(0, 5) k");
        Db.update(dataSource, "ANALYZE schedule_step");

        String pending = "lookup-invitation-500-1";
        String done = "lookup-invitation-501-0";
        OffsetDateTime now = OffsetDateTime.now();
        assertFewPages(ScheduleStore.CANCEL_REMINDERS, now, "answered", pending);
        assertFewPages(ScheduleStore.FORGET_LINK, pending);
        assertFewPages(ScheduleStore.FORGET_LINK_WHEN_DONE, done, done);
        assertFewPages(ScheduleStore.FORGET_LINK_WHEN_DONE, pending, pending);
    }

    private void assertFewPages(String sql, Object... parameters) {
        PagesRead.of(dataSource, sql, parameters).assertAtMost(FEW_PAGES, "for one invitation's steps among "
                + ENROLMENTS * 6);
    }
}
