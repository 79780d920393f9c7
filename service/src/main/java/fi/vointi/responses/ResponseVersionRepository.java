package fi.vointi.responses;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ResponseVersionRepository extends GenericRepository<ResponseVersion, String> {

    @Query("INSERT INTO questionnaire_response_history (id, version_id, status, last_updated, resource_json)"
            + " VALUES (:id, :versionId, :status, :lastUpdated, :resourceJson)")
    void insert(ResponseVersion version);

    @Query("SELECT * FROM questionnaire_response_history WHERE id = :id AND version_id = :versionId")
    Optional<ResponseVersion> find(String id, int versionId);
}
