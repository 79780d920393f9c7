package fi.vointi.responses;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** One superseded version of a QuestionnaireResponse (key: id + versionId); rows are never changed. */
@MappedEntity("questionnaire_response_history")
public record ResponseVersion(
        @Id String id,
        int versionId,
        String status,
        Instant lastUpdated,
        String resourceJson) {
}
