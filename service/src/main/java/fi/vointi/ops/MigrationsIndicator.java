package fi.vointi.ops;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.flyway.event.MigrationFinishedEvent;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * Readiness: Flyway has migrated the schema (Micronaut Flyway migrates while the data source is created at start-up
 * and then announces it). Until then the instance gets no traffic; a failed migration stops start-up altogether. With
 * Flyway switched off ({@code flyway.datasources.default.enabled: false}, the schema migrated by the operator) there is
 * nothing to wait for.
 */
@Singleton
@Readiness
public class MigrationsIndicator implements HealthIndicator, ApplicationEventListener<MigrationFinishedEvent> {
    private volatile boolean migrated;

    MigrationsIndicator(@Value("${flyway.datasources.default.enabled:true}") boolean flywayEnabled) {
        this.migrated = !flywayEnabled;
    }

    @Override
    public void onApplicationEvent(MigrationFinishedEvent event) {
        migrated = true;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.just(HealthResult.builder("migrations", migrated ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("migrated", migrated)).build());
    }
}
