package fi.vointi.catalog;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which content passed validation (table content_validation), so that a restart does not validate
 * unchanged questionnaires again: HAPI's validator needs many seconds to warm up, which start-up would
 * otherwise pay on every start. A key covers the content and the validator's {@link ValidationFingerprint}.
 */
@Singleton
public class ContentValidations {
    // A validation result is a pure function of its key, so one JVM may also remember it across application
    // contexts (the test suite starts dozens, each on an empty database).
    private static final Set<String> PASSED_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();
    private final JdbcOperations jdbc;

    public ContentValidations(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Tests of the stored memory forget what this process remembers. */
    static void forgetThisProcess() {
        PASSED_IN_THIS_PROCESS.clear();
    }

    @Transactional(readOnly = true)
    public boolean passed(String key) {
        if (PASSED_IN_THIS_PROCESS.contains(key)) {
            return true;
        }
        boolean stored = jdbc.prepareStatement("SELECT 1 FROM content_validation WHERE content_sha256 = ?", statement -> {
            statement.setString(1, key);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        });
        if (stored) {
            PASSED_IN_THIS_PROCESS.add(key);
        }
        return stored;
    }

    /** Records a pass; a concurrent start of another instance may have recorded the same key first. */
    @Transactional
    public void remember(String key, String source) {
        PASSED_IN_THIS_PROCESS.add(key);
        String limited = source.length() > 500 ? source.substring(source.length() - 500) : source;
        jdbc.prepareStatement("INSERT INTO content_validation (content_sha256, source, validated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING", statement -> {
            statement.setString(1, key);
            statement.setString(2, limited);
            statement.setTimestamp(3, Timestamp.from(Instant.now()));
            return statement.executeUpdate();
        });
    }
}
