package fi.vointi.audit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Appends to the audit trail with group commit: one writer thread takes every row waiting and commits them
 * in one transaction, and each caller's future completes only when its row is durably stored. Under load
 * this turns many small commits into a few larger ones; when idle a row is written at once.
 */
@Singleton
public class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int MAX_BATCH = 500;

    private record Pending(AuditRecord record, CompletableFuture<Void> stored) {
    }

    private final AuditBatchWriter writer;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(20_000);
    private final Thread thread;
    private volatile boolean running = true;

    public AuditLog(AuditBatchWriter writer) {
        this.writer = writer;
        this.thread = new Thread(this::run, "audit-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Completes when the row is committed; fails if it could not be (the caller must then withhold its answer). */
    public CompletableFuture<Void> appendAsync(AuditRecord record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            pending.stored().completeExceptionally(new IllegalStateException("audit queue full or closed"));
        }
        return pending.stored();
    }

    /** Rows waiting for the writer (a metric: a queue that keeps growing means the database cannot keep up). */
    public int queueDepth() {
        return queue.size();
    }

    /** Appends and waits until the row is committed. */
    public void append(AuditRecord record) {
        try {
            appendAsync(record).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            writer.insert(batch.stream().map(Pending::record).toList());
            batch.forEach(p -> p.stored().complete(null));
        } catch (RuntimeException e) {
            LOG.error("Audit batch of {} rows failed", batch.size(), e);
            batch.forEach(p -> p.stored().completeExceptionally(e));
        }
    }

    /** At shutdown, rows already accepted are still written before the database goes away. */
    @PreDestroy
    void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
