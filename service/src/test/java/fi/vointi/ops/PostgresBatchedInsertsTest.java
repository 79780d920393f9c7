package fi.vointi.ops;

import fi.vointi.support.Db;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;

import javax.sql.DataSource;
import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The service's PostgreSQL connections rewrite a batch of INSERTs into one multi-row INSERT (issue 19). */
@MicronautTest(transactional = false)
class PostgresBatchedInsertsTest {
    @Inject
    DataSource dataSource;

    @Test
    void pooledConnectionsRewriteBatchedInserts() throws Exception {
        assumeTrue(Db.onPostgres(), "pgjdbc's setting: PostgreSQL only");
        try (Connection connection = DelegatingDataSource.unwrapDataSource(dataSource).getConnection()) {
            assertTrue(connection.unwrap(BaseConnection.class).getQueryExecutor().isReWriteBatchedInsertsEnabled(),
                    "the driver would send a response's four Observations as four INSERTs");
        }
    }
}
