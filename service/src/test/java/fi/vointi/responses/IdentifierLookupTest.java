package fi.vointi.responses;

import fi.vointi.support.Db;
import fi.vointi.support.PagesRead;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A conditional create looks up the identifier of every new response (If-None-Exist): the lookup reads a handful of
 * index and table pages however many responses are stored (issue 19; with the subject leading the unique index it
 * walked the whole index, 1.4 ms per create at 20,000 responses and growing). Measured with PostgreSQL's page
 * counts (EXPLAIN ANALYZE BUFFERS) on 5,000 stored responses.
 */
@MicronautTest(transactional = false)
class IdentifierLookupTest {
    private static final int STORED = 5_000;
    /** A B-tree descent and the matching heap row; the whole unique index of 5,000 rows is ~60 pages. */
    private static final int FEW_PAGES = 8;

    @Inject
    DataSource dataSource;

    @AfterEach
    void removeResponses() {
        if (Db.onPostgres()) {
            Db.update(dataSource, "DELETE FROM questionnaire_response WHERE identifier_system = 'urn:lookup-test'");
        }
    }

    @Test
    void lookingUpAnIdentifierReadsAFewPagesWhateverTheTableSize() {
        assumeTrue(Db.onPostgres(), "page counts are PostgreSQL's EXPLAIN (BUFFERS)");
        // half about patients, half anonymous (no subject): both kinds of If-None-Exist
        Db.update(dataSource, "INSERT INTO questionnaire_response (id, version_id, questionnaire_url, questionnaire_version, status,"
                + " subject_type, subject_id, authored, identifier_system, identifier_value, last_updated, resource_json)"
                + " SELECT 'lookup-' || n, 1, url, version, 'completed',"
                + " CASE WHEN n % 2 = 0 THEN 'Patient' END, CASE WHEN n % 2 = 0 THEN 'lookup-patient-' || (n % 50) END,"
                + " now(), 'urn:lookup-test', 'value-' || n, now(), '{}'"
                + " FROM generate_series(1, " + STORED + ") n, (SELECT url, version FROM questionnaire LIMIT 1) q");
        Db.update(dataSource, "ANALYZE questionnaire_response");

        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER, "urn:lookup-test", "value-4242", "Patient", "lookup-patient-42");
        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER, "urn:lookup-test", "value-4243", null, null);
        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER_VALUE, "value-4242", "Patient", "lookup-patient-42");
        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER_VALUE, "value-4243", null, null);
    }

    private void assertFewPages(String namedSql, Object... parameters) {
        PagesRead.Plan plan = PagesRead.of(dataSource, namedSql.replaceAll(":[a-zA-Z]+", "?"), parameters)
                .assertAtMost(FEW_PAGES, "for one identifier among " + STORED);
        assertTrue(plan.text().contains("rows=1 loops"), "the lookup found its row:\n" + plan.text());
    }


}
