package fi.vointi.ops;

import fi.vointi.catalog.QuestionnaireCatalog;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * Readiness: the questionnaire catalog is loaded and validated. It is built at start-up, before the server opens its
 * port, and an invalid file stops start-up, so once it exists it is complete; the indicator reports how many
 * questionnaires it serves (a county that forgot its content folder sees 0 here).
 */
@Singleton
@Readiness
public class CatalogIndicator implements HealthIndicator {
    private final Provider<QuestionnaireCatalog> catalog;

    CatalogIndicator(Provider<QuestionnaireCatalog> catalog) {
        this.catalog = catalog;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        int questionnaires = catalog.get().all().size();
        return Mono.just(HealthResult.builder("catalog", HealthStatus.UP)
                .details(Map.of("questionnaires", questionnaires)).build());
    }
}
