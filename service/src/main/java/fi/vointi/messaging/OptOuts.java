package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * Table {@code message_opt_out}: addresses and patients that asked for no more messages. Checked when a message is
 * queued (nothing is stored for an opted-out person) and again just before it is sent.
 */
@Singleton
public class OptOuts {
    private final JdbcOperations jdbc;
    private final AddressKeys keys;
    private final OutboxStore outbox;
    private final Clock clock;

    OptOuts(JdbcOperations jdbc, AddressKeys keys, OutboxStore outbox, Clock clock) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Whether the address or the patient has opted out. */
    @Transactional(readOnly = true)
    public boolean optedOut(String addressKey, @Nullable String patientId) {
        String[] subjects = Arrays.stream(new String[] {addressKey, patientId == null ? null : keys.ofPatient(patientId)})
                .filter(Objects::nonNull).toArray(String[]::new);
        return jdbc.prepareStatement("SELECT COUNT(*) FROM message_opt_out WHERE subject_key IN ("
                + String.join(", ", java.util.Collections.nCopies(subjects.length, "?")) + ")", s -> {
            for (int i = 0; i < subjects.length; i++) {
                s.setString(i + 1, subjects[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        });
    }

    /**
     * Opts an address out, and with it every patient we ever wrote to at that address (a STOP reply names only the
     * number); their queued messages are cancelled at once. Returns how many queued messages were cancelled.
     */
    @Transactional
    public int optOutAddress(String addressKey, String source) {
        record(addressKey, source);
        int cancelled = outbox.cancelQueued(addressKey, null, clock.instant());
        for (String patientId : outbox.patientsOf(addressKey)) {
            cancelled += optOutPatient(patientId, source);
        }
        return cancelled;
    }

    @Transactional
    public int optOutPatient(String patientId, String source) {
        record(keys.ofPatient(patientId), source);
        return outbox.cancelQueued("-", patientId, clock.instant());
    }

    private void record(String subjectKey, String source) {
        jdbc.prepareStatement("INSERT INTO message_opt_out (subject_key, source, opted_out_at) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING", s -> {
            s.setString(1, subjectKey);
            s.setString(2, source);
            s.setObject(3, OutboxStore.at(clock.instant()));
            return s.executeUpdate();
        });
    }
}
