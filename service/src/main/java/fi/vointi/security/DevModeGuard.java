package fi.vointi.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;

import java.util.Set;

/**
 * Refuses to start when the dev token issuer is switched on outside the embedded default: in the
 * {@code postgres} or {@code prod} environment, or on any database other than H2 unless under test.
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE) // before the catalog and the database touch anything
@Requires(property = "vointi.security.dev-issuer.enabled", value = "true")
public class DevModeGuard {
    static final Set<String> PRODUCTION_ENVIRONMENTS = Set.of("postgres", "prod", "production");

    public DevModeGuard(Environment environment, @Value("${datasources.default.url:}") String databaseUrl) {
        Set<String> active = environment.getActiveNames();
        boolean production = active.stream().anyMatch(PRODUCTION_ENVIRONMENTS::contains);
        boolean embedded = databaseUrl.startsWith("jdbc:h2:");
        if (production || (!embedded && !active.contains(Environment.TEST))) {
            throw new ConfigurationException("vointi.security.dev-issuer.enabled=true is for the embedded default only:"
                    + " it must not run in production (environments " + active + ", database " + databaseUrl.replaceAll("\\?.*", "")
                    + "). Configure the county's identity provider instead (README, Security).");
        }
    }
}
