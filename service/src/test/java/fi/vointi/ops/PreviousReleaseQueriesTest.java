package fi.vointi.ops;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade rule (docs/operations.md, "Upgrades without downtime"): the previous release's statements on the tables
 * that changed since (test resource compat/previous-release.sql) run unchanged on the schema migrated to this release,
 * on H2 and on PostgreSQL (where V19 partitions the audit table) — and read back what they wrote.
 */
@MicronautTest(transactional = false)
class PreviousReleaseQueriesTest {
    @Inject
    DataSource dataSource;

    record Statement(String source, String sql, List<Object> parameters) {
    }

    static List<Statement> statements() throws IOException {
        String text;
        try (InputStream in = PreviousReleaseQueriesTest.class.getResourceAsStream("/compat/previous-release.sql")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Statement> statements = new ArrayList<>();
        for (String block : text.split(";\\s*\\n")) {
            String source = null;
            List<Object> parameters = List.of();
            StringBuilder sql = new StringBuilder();
            for (String line : block.strip().split("\n")) {
                if (line.startsWith("-- params:")) {
                    parameters = new ArrayList<>();
                    for (String value : line.substring("-- params:".length()).split("\\|")) {
                        parameters.add(value(value.strip()));
                    }
                } else if (line.startsWith("--")) {
                    source = line.substring(2).strip();
                } else if (!line.isBlank()) {
                    sql.append(line.strip()).append(' ');
                }
            }
            if (!sql.isEmpty()) {
                statements.add(new Statement(source, sql.toString().strip(), parameters));
            }
        }
        return statements;
    }

    private static Object value(String text) {
        if (text.equals("now")) {
            return OffsetDateTime.now(ZoneOffset.UTC);
        }
        if (text.equals("null")) {
            return null;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        return text.matches("-?\\d{1,9}") ? (Object) Integer.valueOf(text) : text;
    }

    @Test
    void thePreviousReleasesStatementsRunOnTheNewSchema() throws Exception {
        List<Statement> statements = statements();
        assertTrue(statements.size() >= 5, statements.toString());
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Statement statement : statements) {
                    try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
                        for (int i = 0; i < statement.parameters().size(); i++) {
                            ps.setObject(i + 1, statement.parameters().get(i));
                        }
                        if (ps.execute()) {
                            // every read finds the row the previous release's inserts wrote
                            try (ResultSet rs = ps.getResultSet()) {
                                assertTrue(rs.next(), statement.source() + " found nothing");
                                assertEquals("compat-1", rs.getString(1), statement.source());
                            }
                        } else {
                            assertEquals(1, ps.getUpdateCount(), statement.source());
                        }
                    } catch (java.sql.SQLException e) {
                        throw new AssertionError(statement.source() + ": " + e.getMessage(), e);
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }
}
