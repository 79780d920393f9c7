package fi.vointi.feedback;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * Each rendered feedback form carries a random submission id (128 bits); the answer is stored only if that id was
 * never used, in the same transaction. A resent form (Back and send again on a kiosk, a double click, a replayed
 * post) therefore stores nothing twice. Only the SHA-256 of the id is kept, for a day, and it is not linked to the
 * answer.
 */
@Singleton
class FormSubmissions {
    private static final Duration KEEP = Duration.ofDays(1);
    private final JdbcOperations jdbc;
    private final FeedbackService service;

    FormSubmissions(JdbcOperations jdbc, FeedbackService service) {
        this.jdbc = jdbc;
        this.service = service;
    }

    static String newId() {
        return LinkTokens.newToken();
    }

    /** Whether the id was used already (for the friendly "already sent" page). */
    @Transactional(readOnly = true)
    boolean used(String submissionId) {
        return jdbc.prepareStatement("SELECT COUNT(*) FROM feedback_form_submission WHERE id_sha256 = ?", statement -> {
            statement.setString(1, LinkTokens.sha256Hex(submissionId));
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        });
    }

    /**
     * Stores the answer unless the submission id was used; both or neither.
     *
     * @return the stored response, or null when this form was sent before
     */
    @Transactional
    @Nullable
    QuestionnaireResponse submitOnce(@Nullable String submissionId, FeedbackUnits.Unit unit, QuestionnaireResponse response,
                                     String channel, @Nullable ChannelTokens.ChannelToken token) {
        if (submissionId != null && !submissionId.isBlank()) {
            if (submissionId.length() > 64) {
                return null;
            }
            int inserted = jdbc.prepareStatement("INSERT INTO feedback_form_submission (id_sha256, expires_at) VALUES (?, ?)"
                    + " ON CONFLICT DO NOTHING", statement -> {
                statement.setString(1, LinkTokens.sha256Hex(submissionId));
                statement.setTimestamp(2, Timestamp.from(Instant.now().plus(KEEP)));
                return statement.executeUpdate();
            });
            if (inserted == 0) {
                return null;
            }
        }
        return service.submit(unit, response, channel, token);
    }

    @Scheduled(fixedDelay = "1h", initialDelay = "7m")
    @Transactional
    void forgetExpired() {
        jdbc.prepareStatement("DELETE FROM feedback_form_submission WHERE expires_at < ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(Instant.now()));
            return statement.executeUpdate();
        });
    }
}
