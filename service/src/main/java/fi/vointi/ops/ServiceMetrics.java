package fi.vointi.ops;

import fi.vointi.audit.AuditLog;
import fi.vointi.responses.ResponseWrite;
import fi.vointi.responses.ResponseWriteListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.TransactionSynchronization;

import java.sql.Connection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Vointi's own metrics, besides what Micrometer's binders give (HTTP by route and status, JVM, the connection pool):
 * <ul>
 *   <li>{@code vointi_responses_stored_total{status}}: QuestionnaireResponse versions committed, by status;</li>
 *   <li>{@code vointi_audit_queue_depth}: audit rows waiting for the group-commit writer.</li>
 * </ul>
 * CAT steps are timed by {@link CatStepMetrics}. docs/operations.md, "Metrics".
 */
@Context // the audit queue's gauge is there from the start, before the first response is stored
@Requires(beans = MeterRegistry.class)
public class ServiceMetrics implements ResponseWriteListener {
    private final MeterRegistry registry;
    private final TransactionOperations<Connection> transactions;
    /** One counter per status tag, registered on first use instead of looked up in the registry for every write. */
    private final Map<String, Counter> storedByStatus = new ConcurrentHashMap<>();

    ServiceMetrics(MeterRegistry registry, AuditLog audit, TransactionOperations<Connection> transactions) {
        this.registry = registry;
        this.transactions = transactions;
        Gauge.builder("vointi.audit.queue.depth", audit, AuditLog::queueDepth)
                .description("Audit rows waiting for the group-commit writer").register(registry);
    }

    @Override
    public void written(ResponseWrite write) {
        String stored = write.response().getStatus() == null ? "none"
                : write.response().getStatus().toCode().toLowerCase(Locale.ROOT);
        Counter counter = storedByStatus.computeIfAbsent(stored, tag -> Counter.builder("vointi.responses.stored")
                .description("QuestionnaireResponse versions stored (committed)")
                .tag("status", tag)
                .register(registry));
        // counted when the write commits: a write rolled back (a failed audit row, a conflict) stored nothing
        transactions.findTransactionStatus().ifPresentOrElse(status -> status.registerSynchronization(
                new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        counter.increment();
                    }
                }), counter::increment);
    }
}
