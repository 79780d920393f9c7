package fi.vointi.responses;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ResponseRepository extends GenericRepository<StoredResponse, String> {

    /** Optimistic update: changes the row only if it is still at {@code expectedVersionId}. */
    @Query("UPDATE questionnaire_response SET version_id = :versionId, status = :status, authored = :authored,"
            + " identifier_system = :identifierSystem, identifier_value = :identifierValue, unit_ref = :unitRef,"
            + " last_updated = :lastUpdated, resource_json = :resourceJson, closed_to_guardians = :closedToGuardians"
            + " WHERE id = :id AND version_id = :expectedVersionId")
    long updateIfVersion(String id, int expectedVersionId, int versionId, String status, java.time.Instant authored,
                         String identifierSystem, @io.micronaut.core.annotation.Nullable String identifierValue,
                         @io.micronaut.core.annotation.Nullable String unitRef, java.time.Instant lastUpdated,
                         String resourceJson, boolean closedToGuardians);

    @Query("UPDATE questionnaire_response SET shared = :shared WHERE id = :id")
    long setShared(String id, boolean shared);

    @Query("SELECT * FROM questionnaire_response WHERE id = :id")
    Optional<StoredResponse> find(String id);

    /**
     * The lookups by identifier. The unique index leads with the identifier (V34), so each is a descent to the rows
     * with that value whatever the table's size; the subject is compared as a filter on those few rows.
     */
    String FIND_BY_IDENTIFIER = "SELECT * FROM questionnaire_response WHERE identifier_system = :system"
            + " AND identifier_value = :value"
            + " AND subject_type IS NOT DISTINCT FROM :subjectType AND subject_id IS NOT DISTINCT FROM :subjectId";
    String FIND_BY_IDENTIFIER_VALUE = "SELECT * FROM questionnaire_response WHERE identifier_value = :value"
            + " AND subject_type IS NOT DISTINCT FROM :subjectType AND subject_id IS NOT DISTINCT FROM :subjectId"
            + " ORDER BY id LIMIT 2";

    /** Identifiers are unique per subject (V11): the match among the responses about one subject. */
    @Query(FIND_BY_IDENTIFIER)
    Optional<StoredResponse> findByIdentifier(String system, String value,
                                              @io.micronaut.core.annotation.Nullable String subjectType,
                                              @io.micronaut.core.annotation.Nullable String subjectId);

    @Query(FIND_BY_IDENTIFIER_VALUE)
    List<StoredResponse> findByIdentifierValue(String value, @io.micronaut.core.annotation.Nullable String subjectType,
                                               @io.micronaut.core.annotation.Nullable String subjectId);
}
