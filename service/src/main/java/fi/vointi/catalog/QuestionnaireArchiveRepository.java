package fi.vointi.catalog;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface QuestionnaireArchiveRepository extends GenericRepository<ArchivedQuestionnaire, String> {

    @Query("SELECT * FROM questionnaire WHERE url = :url AND version = :version")
    Optional<ArchivedQuestionnaire> find(String url, String version);

    @Query("INSERT INTO questionnaire (url, version, resource_id, content_sha256, first_loaded, resource_json)"
            + " VALUES (:url, :version, :resourceId, :contentSha256, :firstLoaded, :resourceJson)")
    void insert(ArchivedQuestionnaire questionnaire);
}
