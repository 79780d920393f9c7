package fi.vointi.invitations;

import fi.vointi.catalog.CanonicalRef;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * One row of table {@code invitation}: a Task inviting a patient to answer one pinned questionnaire version.
 * {@code lastUpdated} is the Task's {@code meta.lastUpdated}: created, or answered.
 */
public record Invitation(String id, String tokenSha256, String patientId, String questionnaireUrl,
                         String questionnaireVersion, @Nullable String unitRef, String requester, String status,
                         Instant createdAt, Instant expiresAt, @Nullable Instant usedAt, @Nullable String responseId,
                         String resourceJson, @Nullable String draftResponseId, Instant lastUpdated) {

    /** A new invitation: no draft yet, last changed when created. */
    public Invitation(String id, String tokenSha256, String patientId, String questionnaireUrl, String questionnaireVersion,
                      @Nullable String unitRef, String requester, String status, Instant createdAt, Instant expiresAt,
                      @Nullable Instant usedAt, @Nullable String responseId, String resourceJson) {
        this(id, tokenSha256, patientId, questionnaireUrl, questionnaireVersion, unitRef, requester, status, createdAt,
                expiresAt, usedAt, responseId, resourceJson, null, createdAt);
    }

    public CanonicalRef questionnaire() {
        return new CanonicalRef(questionnaireUrl, questionnaireVersion);
    }

    public boolean used() {
        return usedAt != null;
    }

    public boolean expiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
