package fi.vointi.ops;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * PostgreSQL connections send a JDBC batch of INSERTs as one multi-row INSERT (pgjdbc's {@code reWriteBatchedInserts}):
 * a response's four score Observations are one statement for the server to parse, plan and execute instead of four.
 * Set here, before the pool is made from the configuration, because the same entry under
 * {@code datasources.default.data-source-properties} in YAML never reached the driver (the statement log showed four
 * single-row INSERTs, issue 19); an operator's own value in the JDBC URL or those properties is left as it is.
 */
@Singleton
class PostgresBatchedInserts implements BeanCreatedEventListener<DatasourceConfiguration> {
    static final String PROPERTY = "reWriteBatchedInserts";

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration configuration = event.getBean();
        String url = configuration.getJdbcUrl();
        if (url != null && url.startsWith("jdbc:postgresql:") && !url.contains(PROPERTY + "=")
                && !configuration.getDataSourceProperties().containsKey(PROPERTY)) {
            configuration.addDataSourceProperty(PROPERTY, "true");
        }
        return configuration;
    }
}
