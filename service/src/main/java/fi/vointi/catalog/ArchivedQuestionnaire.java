package fi.vointi.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.time.Instant;

/** A row of the questionnaire archive; (url, version) is the table's key. */
@MappedEntity("questionnaire")
public record ArchivedQuestionnaire(
        @Id String url,
        String version,
        String resourceId,
        @MappedProperty("content_sha256") String contentSha256,
        Instant firstLoaded,
        String resourceJson) {
}
