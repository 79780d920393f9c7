package fi.vointi.responses;

import fi.vointi.security.AccessPolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** The current version of a QuestionnaireResponse: its JSON plus the columns searches need. */
@MappedEntity("questionnaire_response")
public record StoredResponse(
        @Id String id,
        int versionId,
        String questionnaireUrl,
        String questionnaireVersion,
        String status,
        @Nullable String subjectType,
        @Nullable String subjectId,
        Instant authored,
        String identifierSystem,
        @Nullable String identifierValue,
        @Nullable String unitRef,
        Instant lastUpdated,
        String resourceJson,
        boolean shared,
        boolean closedToGuardians) {

    AccessPolicy.ResponseFacts facts() {
        return new AccessPolicy.ResponseFacts(subjectType, subjectId, unitRef, shared, closedToGuardians);
    }
}
