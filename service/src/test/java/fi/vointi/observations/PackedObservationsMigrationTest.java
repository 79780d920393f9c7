package fi.vointi.observations;

import fi.vointi.support.Db;
import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Migration V33 (issue 19) on Observations stored before it: a database migrated to V32 holds a current and a
 * superseded version as {@code resource_json}; the service started on it migrates (as a production start-up does)
 * and reads both back character for character, then writes a new version next to them. On H2 and on PostgreSQL
 * (a schema of its own, {@code <test schema>_v33}).
 */
class PackedObservationsMigrationTest {
    static final boolean POSTGRES = Db.onPostgres();
    static final String PG_URL = System.getenv().getOrDefault("VOINTI_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getenv().getOrDefault("VOINTI_TEST_DB_USER", "postgres");
    static final String SCHEMA = System.getenv().getOrDefault("VOINTI_TEST_DB_SCHEMA", "vointi_test") + "_v33";
    static final String H2_URL = "jdbc:h2:mem:vointi-v33-" + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    static final String URL = POSTGRES ? PG_URL + "?currentSchema=" + SCHEMA : H2_URL;
    static final String USER = POSTGRES ? PG_USER : "sa";
    /** The configuration's Flyway locations (application.yml, application-test-postgres.yml). */
    static final String[] LOCATIONS = {"classpath:db/migration", POSTGRES ? "classpath:db/vendor/postgresql" : "classpath:db/vendor/h2"};

    static final String ID = "v33-score";
    /** As HAPI encoded a score Observation for storage before V33, with text beyond ASCII. */
    static final String VERSION_1 = PackedObservationJsonTest.SWEDISH_CAT_SCORE.replace("0b6e2f4c-9d1a-4c55-b1f3-7e2a9c0d4e81", ID)
            .replace("\"versionId\":\"2\"", "\"versionId\":\"1\"").replace("\"amended\"", "\"final\"");
    static final String VERSION_2 = PackedObservationJsonTest.SWEDISH_CAT_SCORE.replace("0b6e2f4c-9d1a-4c55-b1f3-7e2a9c0d4e81", ID);
    static final String VERSION_3 = VERSION_2.replace("\"versionId\":\"2\"", "\"versionId\":\"3\"").replace("57.3", "61.0");

    ApplicationContext service;

    @AfterEach
    void dropTheDatabase() throws SQLException {
        if (service != null) {
            service.close();
        }
        try (Connection c = DriverManager.getConnection(POSTGRES ? PG_URL : URL, USER, ""); Statement s = c.createStatement()) {
            s.execute(POSTGRES ? "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE" : "SHUTDOWN");
        }
    }

    @Test
    void observationsStoredBeforeV33ReadBackIdentically() throws SQLException {
        if (POSTGRES) {
            try (Connection c = DriverManager.getConnection(PG_URL, USER, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
        var flyway = Flyway.configure().dataSource(URL, USER, "").locations(LOCATIONS).target("32");
        (POSTGRES ? flyway.schemas(SCHEMA).createSchemas(true) : flyway).load().migrate();
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            // what ObservationStore wrote before V33: the current version, and the one it replaced in history
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO observation (id, version_id, response_id,"
                    + " response_version, score_key, status, code_system, code, subject_type, subject_id, effective,"
                    + " last_updated, resource_json, reporter) VALUES (?, 2, 'v33-response', 2, 'cat', 'amended', ?,"
                    + " 'county-fatigue-bank.cat', 'Patient', 'pt-77a1', ?, ?, ?, 'proxy')")) {
                insert.setString(1, ID);
                insert.setString(2, ScoreCodes.SCORE_SYSTEM);
                insert.setTimestamp(3, Timestamp.from(Instant.parse("2027-03-14T07:58:40Z")));
                insert.setTimestamp(4, Timestamp.from(Instant.parse("2027-03-14T08:02:11.904Z")));
                insert.setString(5, VERSION_2);
                assertEquals(1, insert.executeUpdate());
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO observation_history (id, version_id, status,"
                    + " last_updated, resource_json) VALUES (?, 1, 'final', ?, ?)")) {
                insert.setString(1, ID);
                insert.setTimestamp(2, Timestamp.from(Instant.parse("2027-03-13T18:00:00Z")));
                insert.setString(3, VERSION_1);
                assertEquals(1, insert.executeUpdate());
            }
        }

        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", URL);
        properties.put("flyway.datasources.default.clean-schema", "false");
        if (POSTGRES) {
            properties.put("flyway.datasources.default.schemas", SCHEMA);
        }
        service = ApplicationContext.run(properties, "test"); // Flyway migrates V33 at start-up
        ObservationStore store = service.getBean(ObservationStore.class);
        @SuppressWarnings("unchecked")
        TransactionOperations<Object> transactions = service.getBean(TransactionOperations.class);

        assertEquals(VERSION_2, transactions.executeRead(status -> store.version(ID, 2)).orElseThrow());
        assertEquals(VERSION_1, transactions.executeRead(status -> store.version(ID, 1)).orElseThrow());
        assertEquals(0, storedFormat("observation", 2), "migrated rows hold the plain text (format 0)");

        // an amendment after the upgrade: the migrated version moves to history as it is, the new one is packed
        assertEquals(Boolean.TRUE, transactions.executeWrite(status -> store.replace(new ObservationStore.Write(ID, 3,
                "v33-response", 3, "cat", "amended", "county-fatigue-bank.cat", "Patient", "pt-77a1",
                Instant.parse("2027-03-14T07:58:40Z"), Instant.parse("2027-04-01T09:00:00Z"), VERSION_3, Reporter.PROXY))));
        assertEquals(VERSION_3, transactions.executeRead(status -> store.version(ID, 3)).orElseThrow());
        assertEquals(VERSION_2, transactions.executeRead(status -> store.version(ID, 2)).orElseThrow());
        assertEquals(VERSION_1, transactions.executeRead(status -> store.version(ID, 1)).orElseThrow());
        assertEquals(1, storedFormat("observation", 3), "written packed (format 1)");
        assertEquals(0, storedFormat("observation_history", 2));
        assertFalse(hasColumn("observation", "resource_json") || hasColumn("observation_history", "resource_json"));
    }

    private int storedFormat(String table, int versionId) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, "");
             PreparedStatement s = c.prepareStatement("SELECT resource FROM " + table + " WHERE id = ? AND version_id = ?")) {
            s.setString(1, ID);
            s.setInt(2, versionId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBytes(1)[0];
            }
        }
    }

    private boolean hasColumn(String table, String column) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, "");
             ResultSet rs = c.getMetaData().getColumns(null, POSTGRES ? SCHEMA : "public", table, column)) {
            return rs.next();
        }
    }
}
