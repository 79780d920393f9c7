package fi.vointi.audit;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.util.List;

/** Inserts a batch of audit rows in one transaction. There is deliberately no update or delete. */
@Singleton
class AuditBatchWriter {
    private final JdbcOperations jdbc;

    AuditBatchWriter(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    void insert(List<AuditRecord> records) {
        insertInCurrentTransaction(records);
    }

    /**
     * The same rows in the transaction the caller already holds (a response write's, {@link AuditWithinWrite}), without
     * going through the transaction interceptor a second time for every write.
     */
    void insertInCurrentTransaction(List<AuditRecord> records) {
        jdbc.prepareStatement("INSERT INTO audit_event (id, recorded, action, operation, outcome, http_status, agent_id,"
                + " agent_client, agent_roles, source_ip, method, path, entities, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", statement -> {
            for (AuditRecord r : records) {
                statement.setString(1, r.id());
                statement.setTimestamp(2, Timestamp.from(r.recorded()));
                statement.setString(3, r.action());
                statement.setString(4, r.operation());
                statement.setString(5, r.outcome());
                statement.setInt(6, r.httpStatus());
                statement.setString(7, r.agentId());
                statement.setString(8, r.agentClient());
                statement.setString(9, truncate(r.agentRoles(), 255));
                statement.setString(10, r.sourceIp());
                statement.setString(11, r.method());
                statement.setString(12, truncate(r.path(), 1024));
                statement.setString(13, r.entities().isEmpty() ? null : String.join(" ", r.entities()));
                statement.setString(14, truncate(r.detail(), 1024));
                statement.addBatch();
            }
            return statement.executeBatch();
        });
        if (records.stream().anyMatch(r -> !r.patients().isEmpty())) {
            jdbc.prepareStatement("INSERT INTO audit_event_patient (event_id, patient_id) VALUES (?, ?)", statement -> {
                for (AuditRecord r : records) {
                    for (String patient : r.patients()) {
                        statement.setString(1, r.id());
                        statement.setString(2, truncate(patient, 128));
                        statement.addBatch();
                    }
                }
                return statement.executeBatch();
            });
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
