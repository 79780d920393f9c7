package fi.vointi.responses;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?");

    @Inject
    DataSource dataSource;

    @AfterEach
    void removeResponses() throws SQLException {
        if (isPostgres()) {
            execute("DELETE FROM questionnaire_response WHERE identifier_system = 'urn:lookup-test'");
        }
    }

    @Test
    void lookingUpAnIdentifierReadsAFewPagesWhateverTheTableSize() throws SQLException {
        assumeTrue(isPostgres(), "page counts are PostgreSQL's EXPLAIN (BUFFERS)");
        // half about patients, half anonymous (no subject): both kinds of If-None-Exist
        execute("INSERT INTO questionnaire_response (id, version_id, questionnaire_url, questionnaire_version, status,"
                + " subject_type, subject_id, authored, identifier_system, identifier_value, last_updated, resource_json)"
                + " SELECT 'lookup-' || n, 1, url, version, 'completed',"
                + " CASE WHEN n % 2 = 0 THEN 'Patient' END, CASE WHEN n % 2 = 0 THEN 'lookup-patient-' || (n % 50) END,"
                + " now(), 'urn:lookup-test', 'value-' || n, now(), '{}'"
                + " FROM generate_series(1, " + STORED + ") n, (SELECT url, version FROM questionnaire LIMIT 1) q");
        execute("ANALYZE questionnaire_response");

        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER, "urn:lookup-test", "value-4242", "Patient", "lookup-patient-42");
        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER, "urn:lookup-test", "value-4243", null, null);
        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER_VALUE, "value-4242", "Patient", "lookup-patient-42");
        assertFewPages(ResponseRepository.FIND_BY_IDENTIFIER_VALUE, "value-4243", null, null);
    }

    private void assertFewPages(String namedSql, Object... parameters) throws SQLException {
        String sql = "EXPLAIN (ANALYZE, BUFFERS) " + namedSql.replaceAll(":[a-zA-Z]+", "?");
        StringBuilder plan = new StringBuilder();
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        // the first Buffers line is the plan's top node: everything the statement read
        Matcher buffers = BUFFERS.matcher(plan);
        assertTrue(buffers.find(), plan.toString());
        int pages = Integer.parseInt(buffers.group(1)) + (buffers.group(2) == null ? 0 : Integer.parseInt(buffers.group(2)));
        assertTrue(pages <= FEW_PAGES, pages + " pages read for one identifier among " + STORED + ":\n" + plan);
        assertTrue(plan.indexOf("rows=1 loops=1") > 0 || plan.indexOf("rows=1 loops") > 0, "the lookup found its row:\n" + plan);
    }

    private boolean isPostgres() {
        return "postgres".equals(System.getProperty("vointi.test.db"));
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    private Connection connection() throws SQLException {
        return DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
    }
}
