package fi.vointi.fhir;

import fi.vointi.support.Db;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.TcpProxy;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 case 11 against the real database (H2 over its TCP server, or PostgreSQL) reached through a TCP forwarder
 * that the test cuts: every request then fails fast (the pool's 3 s timeout, plus the audit row's) with 503,
 * Retry-After and an OperationOutcome (an HTML page for browsers); /health/readiness reports the database DOWN; once
 * the database is back, requests succeed again.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageTest implements TestPropertyProvider {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    private org.h2.tools.Server h2;
    private TcpProxy proxy;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>();
        try {
            if (Db.onPostgres()) {
                proxy = new TcpProxy("127.0.0.1", 5432);
                String schema = System.getenv().getOrDefault("VOINTI_TEST_DB_SCHEMA", "vointi_test");
                properties.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + schema);
            } else {
                // a file database behind H2's TCP server: it survives its connections being cut (a mem one is gone)
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vointi-outage");
                h2 = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
                proxy = new TcpProxy("127.0.0.1", h2.getPort());
                properties.put("datasources.default.url", "jdbc:h2:tcp://127.0.0.1:" + proxy.port()
                        + "/outage;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
            }
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        properties.put("datasources.default.maximum-pool-size", "4");
        properties.put("datasources.default.minimum-idle", "1");
        return properties;
    }

    @AfterAll
    void stop() throws IOException {
        proxy.close();
        if (h2 != null) {
            h2.stop();
        }
    }

    @Test
    void anOutageIsAFast503WithRetryAfterAndReadinessSaysSo() {
        FhirTestClient fhir = new FhirTestClient(server).as(new Tokens(issuer).patient("outage"));
        String search = "/fhir/QuestionnaireResponse?patient=outage";
        assertEquals(200, fhir.get(search).status());
        assertEquals(200, health().status());

        proxy.cut();
        long started = System.nanoTime();
        Reply refused = fhir.get(search);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(refused.outcome(503).contains("database is not available"), refused.body());
        assertEquals("5", refused.header("Retry-After"));
        assertTrue(millis < 15_000, "answered after " + millis + " ms");

        Reply page = fhir.send(HttpRequest.newBuilder(fhir.uri("/feedback/demo-unit-health-centre")).GET().header("Accept", "text/html"));
        assertEquals(503, page.status(), page.body());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        assertTrue(page.header("Retry-After") != null);
        assertTrue(!page.body().contains("Exception"));

        Reply readiness = health();
        assertEquals(503, readiness.status(), readiness.body());
        assertTrue(readiness.body().contains("DOWN"), readiness.body());

        proxy.restore();
        long deadline = System.currentTimeMillis() + 30_000;
        int status = 0;
        // H2 reports its cut connections as 90121 (not SQLState 08), so the pool learns they are dead only by
        // testing a connection idle for longer than Hikari's 500 ms; PostgreSQL says 08006 and they go at once
        while (System.currentTimeMillis() < deadline && (status = fhir.get(search).status()) != 200) {
            sleep();
        }
        assertEquals(200, status, "recovers when the database is back");
        assertEquals(200, health().status());
    }

    private Reply health() {
        // the management port (docs/operations.md), not the public one
        FhirTestClient plain = new FhirTestClient(server);
        return plain.send(HttpRequest.newBuilder(fi.vointi.support.Management.uri(server.getApplicationContext(),
                "/health/readiness")).GET());
    }

    private static void sleep() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
