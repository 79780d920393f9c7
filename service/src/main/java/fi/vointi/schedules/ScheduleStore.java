package fi.vointi.schedules;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Tables {@code schedule_enrolment} and {@code schedule_step} (V23), in the caller's transaction. */
@Singleton
class ScheduleStore {
    private static final String ENROLMENT = "id, patient_id, unit_ref, protocol_url, protocol_version, episode_start, status,"
            + " sms, email, language, created_by, created_at, ended_at, version_id";
    private static final String STEP = "id, enrolment_id, action_id, questionnaire, kind, reminder_no, due_at, status,"
            + " invitation_id, link, done_at, note";
    /*
     * The steps of one invitation, which every reminder a schedule runs updates (answered, expired, sent):
     * ix_schedule_step_invitation (V35) finds them among all the steps ever planned.
     */
    static final String CANCEL_REMINDERS = "UPDATE schedule_step SET status = 'skipped', done_at = ?, note = ?"
            + " WHERE invitation_id = ? AND kind = 'reminder' AND status = 'pending'";
    static final String FORGET_LINK = "UPDATE schedule_step SET link = NULL WHERE invitation_id = ?";
    static final String FORGET_LINK_WHEN_DONE = "UPDATE schedule_step SET link = NULL WHERE invitation_id = ?"
            + " AND NOT EXISTS (SELECT 1 FROM schedule_step p WHERE p.invitation_id = ? AND p.status = 'pending')";
    private final JdbcOperations jdbc;

    ScheduleStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** An enrolment; {@code sms}/{@code email} are null once erased. */
    record Enrolment(String id, String patientId, @Nullable String unitRef, String protocolUrl, String protocolVersion,
                     LocalDate episodeStart, String status, @Nullable String sms, @Nullable String email, String language,
                     String createdBy, Instant createdAt, @Nullable Instant endedAt, int versionId) {
        boolean active() {
            return "active".equals(status);
        }
    }

    /** kind invite | reminder; status pending | done | skipped | cancelled | missed | failed. */
    record Step(String id, String enrolmentId, String actionId, String questionnaire, String kind, int reminderNo, Instant dueAt,
                String status, @Nullable String invitationId, @Nullable String link, @Nullable Instant doneAt, @Nullable String note) {
    }

    void insert(Enrolment e) {
        update("INSERT INTO schedule_enrolment (" + ENROLMENT + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.id(), e.patientId(), e.unitRef(), e.protocolUrl(), e.protocolVersion(), e.episodeStart(), e.status(),
                e.sms(), e.email(), e.language(), e.createdBy(), at(e.createdAt()), at(e.endedAt()), e.versionId());
    }

    void insert(Step s) {
        update("INSERT INTO schedule_step (" + STEP + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s.id(), s.enrolmentId(),
                s.actionId(), s.questionnaire(), s.kind(), s.reminderNo(), at(s.dueAt()), s.status(), s.invitationId(), s.link(),
                at(s.doneAt()), s.note());
    }

    Optional<Enrolment> enrolment(String id) {
        return jdbc.prepareStatement("SELECT " + ENROLMENT + " FROM schedule_enrolment WHERE id = ?", s -> {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(enrolment(rs)) : Optional.<Enrolment>empty();
            }
        });
    }

    /**
     * Which enrolments a search may return ({@code all}, or those of {@code patients} or of {@code units}) and what it
     * asks for: each entry of the filters is one occurrence of the parameter (ANDed), its values ORed.
     */
    record Filter(boolean all, Set<String> patients, Set<String> units, List<List<String>> idFilter,
                  List<List<String>> patientFilter, List<List<String>> statusFilter) {
    }

    /** One page, newest first. */
    List<Enrolment> search(Filter filter, int limit, int offset) {
        List<String> parameters = new ArrayList<>();
        String sql = "SELECT " + ENROLMENT + " FROM schedule_enrolment WHERE " + where(filter, parameters)
                + " ORDER BY created_at DESC, id LIMIT " + limit + " OFFSET " + offset;
        return jdbc.prepareStatement(sql, s -> {
            bind(s, parameters.toArray());
            List<Enrolment> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(enrolment(rs));
                }
            }
            return found;
        });
    }

    int count(Filter filter) {
        List<String> parameters = new ArrayList<>();
        return jdbc.prepareStatement("SELECT COUNT(*) FROM schedule_enrolment WHERE " + where(filter, parameters), s -> {
            bind(s, parameters.toArray());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Every enrolment of a patient, oldest first (the patient's own export). */
    List<Enrolment> ofPatient(String patientId) {
        return jdbc.prepareStatement("SELECT " + ENROLMENT + " FROM schedule_enrolment WHERE patient_id = ? ORDER BY created_at, id", s -> {
            s.setString(1, patientId);
            List<Enrolment> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(enrolment(rs));
                }
            }
            return found;
        });
    }

    private static String where(Filter filter, List<String> parameters) {
        List<String> conditions = new ArrayList<>();
        if (!filter.all()) {
            List<String> visible = new ArrayList<>();
            if (!filter.patients().isEmpty()) {
                visible.add(in("patient_id", filter.patients(), parameters));
            }
            if (!filter.units().isEmpty()) {
                visible.add(in("unit_ref", filter.units(), parameters));
            }
            conditions.add(visible.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", visible) + ")");
        }
        filter.idFilter().forEach(values -> conditions.add(in("id", values, parameters)));
        filter.patientFilter().forEach(values -> conditions.add(in("patient_id", values, parameters)));
        filter.statusFilter().forEach(values -> conditions.add(in("status", values, parameters)));
        return conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions);
    }

    private static String in(String column, Collection<String> values, List<String> parameters) {
        parameters.addAll(values);
        return column + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")";
    }

    List<Step> steps(String enrolmentId) {
        return jdbc.prepareStatement("SELECT " + STEP + " FROM schedule_step WHERE enrolment_id = ? ORDER BY due_at, reminder_no", s -> {
            s.setString(1, enrolmentId);
            return steps(s);
        });
    }

    Optional<Step> step(String id) {
        return jdbc.prepareStatement("SELECT " + STEP + " FROM schedule_step WHERE id = ?", s -> {
            s.setString(1, id);
            return steps(s).stream().findFirst();
        });
    }

    /** Pending steps whose time has come, oldest first (optionally of one enrolment). */
    List<String> due(Instant now, int limit, @Nullable String enrolmentId) {
        return jdbc.prepareStatement("SELECT id FROM schedule_step WHERE status = 'pending' AND due_at <= ?"
                + (enrolmentId == null ? "" : " AND enrolment_id = ?") + " ORDER BY due_at LIMIT ?", s -> {
            int i = 1;
            s.setObject(i++, at(now));
            if (enrolmentId != null) {
                s.setString(i++, enrolmentId);
            }
            s.setInt(i, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    /**
     * Takes a due step: only one transaction's UPDATE moves it from pending (a second instance waits for the row and then
     * finds it taken). Everything the step does is written in the same transaction, so it is done once or not at all.
     */
    boolean take(String stepId, Instant now) {
        return update("UPDATE schedule_step SET status = 'done', done_at = ? WHERE id = ? AND status = 'pending' AND due_at <= ?",
                at(now), stepId, at(now)) == 1;
    }

    void finish(String stepId, String status, @Nullable String invitationId, @Nullable String link, @Nullable String note) {
        update("UPDATE schedule_step SET status = ?, invitation_id = ?, link = ?, note = ? WHERE id = ?",
                status, invitationId, link, note, stepId);
    }

    /** Cancels the enrolment's pending steps and forgets their links; returns how many were cancelled. */
    int cancelPending(String enrolmentId, Instant now, String note) {
        int cancelled = update("UPDATE schedule_step SET status = 'cancelled', done_at = ?, note = ? WHERE enrolment_id = ?"
                + " AND status = 'pending'", at(now), note, enrolmentId);
        update("UPDATE schedule_step SET link = NULL WHERE enrolment_id = ?", enrolmentId);
        return cancelled;
    }

    /** Cancels the reminders still pending of one invitation (answered, expired) and forgets its link. */
    int cancelReminders(String invitationId, Instant now, String note) {
        int cancelled = update(CANCEL_REMINDERS, at(now), note, invitationId);
        update(FORGET_LINK, invitationId);
        return cancelled;
    }

    void failPending(String stepId, Instant now, String reason) {
        update("UPDATE schedule_step SET status = 'failed', done_at = ?, note = ? WHERE id = ? AND status = 'pending'",
                at(now), reason, stepId);
    }

    /** The invitation's short link is forgotten once no reminder of it is pending. */
    void forgetLinkWhenDone(String invitationId) {
        update(FORGET_LINK_WHEN_DONE, invitationId, invitationId);
    }

    int pending(String enrolmentId) {
        return jdbc.prepareStatement("SELECT COUNT(*) FROM schedule_step WHERE enrolment_id = ? AND status = 'pending'", s -> {
            s.setString(1, enrolmentId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    void eraseContacts(String enrolmentId) {
        update("UPDATE schedule_enrolment SET sms = NULL, email = NULL WHERE id = ?", enrolmentId);
    }

    /** Ends an active enrolment (the conditional UPDATE: two ends, one wins); false when it was not active. */
    boolean end(String enrolmentId, String status, Instant now) {
        return update("UPDATE schedule_enrolment SET status = ?, ended_at = ?, sms = NULL, email = NULL,"
                + " version_id = version_id + 1 WHERE id = ? AND status = 'active'", status, at(now), enrolmentId) == 1;
    }

    private int update(String sql, Object... values) {
        return jdbc.prepareStatement(sql, s -> {
            bind(s, values);
            return s.executeUpdate();
        });
    }

    private static void bind(PreparedStatement s, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                s.setNull(i + 1, java.sql.Types.NULL); // untyped: PostgreSQL takes the column's type
            } else {
                s.setObject(i + 1, values[i]);
            }
        }
    }

    private static List<Step> steps(PreparedStatement s) throws SQLException {
        List<Step> steps = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                steps.add(new Step(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6), instant(rs, 7), rs.getString(8), rs.getString(9), rs.getString(10), instant(rs, 11),
                        rs.getString(12)));
            }
        }
        return steps;
    }

    private static Enrolment enrolment(ResultSet rs) throws SQLException {
        return new Enrolment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, LocalDate.class), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11), instant(rs, 12), instant(rs, 13), rs.getInt(14));
    }

    @Nullable
    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Nullable
    private static OffsetDateTime at(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
