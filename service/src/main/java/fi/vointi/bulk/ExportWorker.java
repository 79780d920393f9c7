package fi.vointi.bulk;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirJson;
import fi.vointi.invitations.InvitationService;
import fi.vointi.observations.PackedObservationJson;
import fi.vointi.responses.SharingService;
import fi.vointi.fhir.SqlWhere;
import fi.vointi.organization.UnitTree;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.Role;
import fi.vointi.security.SmartScope;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs export jobs in the background: the one a client just started at once, and every few seconds whatever job in
 * progress nobody holds a lease on (one left by an instance that died or shut down). A job streams its rows page by
 * page (keyset on id, {@link ExportQuery}) into NDJSON files of at most {@code max-file-lines} / {@code max-file-bytes};
 * only the current page's row is ever in memory. Each finished file is recorded with its last id, so a job taken over
 * by another instance continues after the last finished file instead of starting again.
 */
@Singleton
public class ExportWorker {
    private static final JsonFactory WELL_FORMED = new JsonFactory();
    private static final Logger LOG = LoggerFactory.getLogger(ExportWorker.class);
    static final String FAILED_MESSAGE = "The export failed on the server; please start a new export";

    private final ExportJobs jobs;
    private final ExportStore store;
    private final BulkExportConfiguration configuration;
    private final DataSource dataSource;
    private final FhirJson json;
    private final UnitTree unitTree;
    private final InvitationService invitations;
    private final QuestionnaireCatalog catalog;
    private final ExecutorService executor;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** This instance: host and process, and a random part for two contexts in one process (tests). */
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    private volatile boolean stopping;

    ExportWorker(ExportJobs jobs, ExportStore store, BulkExportConfiguration configuration, DataSource dataSource,
                 FhirJson json, UnitTree unitTree, InvitationService invitations, QuestionnaireCatalog catalog) {
        this.jobs = jobs;
        this.store = store;
        this.configuration = configuration;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.json = json;
        this.unitTree = unitTree;
        this.invitations = invitations;
        this.catalog = catalog;
        this.executor = Executors.newFixedThreadPool(Math.max(1, configuration.getWorkers()), runnable -> {
            Thread thread = new Thread(runnable, "bulk-export");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the job on this instance if nobody else holds it (the lease decides). */
    public void submit(String jobId) {
        if (stopping || !running.add(jobId)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    run(jobId);
                } finally {
                    running.remove(jobId);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.remove(jobId);
        }
    }

    /** Picks up jobs nobody runs and deletes finished ones whose retention ran out. */
    @Scheduled(fixedDelay = "${vointi.bulk.poll-interval:10s}", initialDelay = "${vointi.bulk.poll-interval:10s}")
    void poll() {
        if (stopping) {
            return;
        }
        try {
            jobs.unleased().forEach(this::submit);
            for (String expired : jobs.expired(configuration.getRetention())) {
                store.deleteJob(expired);
                jobs.delete(expired);
                LOG.info("Bulk export {} deleted: its retention ran out", expired);
            }
        } catch (Exception e) {
            LOG.warn("Bulk export poll failed: {}", e.toString());
        }
    }

    /** This instance's name in leases and in {@code bulk_export_file.written_by}. */
    public String instance() {
        return instance;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The backend client as the job remembers it: the same grants at every (re)start. */
    static Caller callerOf(ExportJobs.Job job) {
        Set<SmartScope> scopes = Arrays.stream(job.scopes().split(" ")).filter(s -> !s.isBlank())
                .map(SmartScope::parse).flatMap(Optional::stream).collect(Collectors.toSet());
        return new Caller(job.clientId(), job.clientId(), Set.of(Role.SYSTEM), null, Set.of(), Set.of(), scopes);
    }

    /** The scopes as stored with a job ({@code system/Type.perms}, space separated). */
    static String scopesText(Caller caller) {
        return caller.scopes().stream().map(s -> s.context() + "/" + s.resourceType() + "." + s.permissions())
                .sorted().collect(Collectors.joining(" "));
    }

    /** Ends the job's run here: it was cancelled, another instance took it, or this instance is stopping. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private void run(String jobId) {
        if (!jobs.claim(jobId, instance, configuration.getLease())) {
            return;
        }
        try {
            ExportJobs.Job job = jobs.find(jobId).orElseThrow(Stop::new);
            LOG.info("Bulk export {} running on {}", jobId, instance);
            export(job);
            if (jobs.finish(jobId, instance, ExportJobs.COMPLETED, null)) {
                LOG.info("Bulk export {} completed", jobId);
            } else {
                afterLostLease(jobId);
            }
        } catch (Stop stop) {
            if (stopping) {
                releaseQuietly(jobId);
            } else {
                afterLostLease(jobId);
            }
        } catch (Exception e) {
            if (stopping || Thread.currentThread().isInterrupted()) {
                releaseQuietly(jobId);
                return;
            }
            LOG.error("Bulk export {} failed", jobId, e);
            jobs.finish(jobId, instance, ExportJobs.FAILED, FAILED_MESSAGE);
        }
    }

    private void export(ExportJobs.Job job) throws IOException, SQLException, InterruptedException {
        List<AccessPolicy.ReadGrant> grants = AccessPolicy.readGrants(callerOf(job));
        Set<String> unitRefs = job.groupId() == null ? null : unitTree.subtree(job.groupId()).stream()
                .map(u -> "Organization/" + u).collect(Collectors.toSet());
        List<ExportJobs.ExportFile> written = jobs.files(job.id());
        int nextSeq = written.stream().mapToInt(ExportJobs.ExportFile::seq).max().orElse(0) + 1;
        List<String> done = new ArrayList<>(job.typesDone());
        for (String type : job.types()) {
            if (done.contains(type)) {
                continue;
            }
            String after = written.stream().filter(f -> f.type().equals(type)).reduce((a, b) -> b)
                    .map(ExportJobs.ExportFile::lastKey).orElse("");
            nextSeq = writeType(job, type, grants, unitRefs, after, nextSeq);
            if (!jobs.typeDone(job.id(), instance, type, done)) {
                throw new Stop();
            }
            done.add(type);
        }
    }

    /** Writes the type's rows after {@code afterId}; returns the next file number. */
    private int writeType(ExportJobs.Job job, String type, List<AccessPolicy.ReadGrant> grants, Set<String> unitRefs,
                          String afterId, int seq) throws IOException, SQLException, InterruptedException {
        IParser parser = json.context().newJsonParser(); // compact: one resource, one line
        Caller caller = callerOf(job);
        Lines lines = new Lines(job.id(), type, seq);
        try {
            if ("Questionnaire".equals(type)) {
                writeQuestionnaires(job, parser, lines, afterId);
            } else {
                writeRows(job, type, grants, unitRefs, afterId, lines, rs -> line(type, parser, caller, rs));
            }
            lines.finishOpen();
        } finally {
            lines.abandon(); // a half-written file is never recorded; the next run overwrites it
        }
        return lines.seq;
    }

    private interface LineOf {
        String of(ResultSet rs) throws SQLException;
    }

    /** A table's rows in keyset pages (ExportQuery), each turned into one NDJSON line. */
    private void writeRows(ExportJobs.Job job, String type, List<AccessPolicy.ReadGrant> grants, Set<String> unitRefs,
                           String afterId, Lines lines, LineOf line) throws IOException, SQLException, InterruptedException {
        String after = afterId;
        while (true) {
            ExportQuery.Page page = ExportQuery.page(type, grants, unitRefs, job.since(), job.transactionTime(), after,
                    configuration.getPageSize());
            int rows = 0;
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(page.sql())) {
                select.setFetchSize(configuration.getPageSize());
                SqlWhere.bind(select, page.parameters());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getString(1);
                        lines.write(after, line.of(rs));
                    }
                }
            }
            if (rows > 0 && !jobs.renew(job.id(), instance, configuration.getLease())) {
                throw new Stop();
            }
            if (rows < configuration.getPageSize()) {
                return; // a short page is the last one
            }
        }
    }

    /**
     * One row as its NDJSON line: a response or Observation is the stored compact text (an Observation's unpacked),
     * the very bytes a read sends (FhirJson.encode); a Task is re-encoded as a read shows it to this caller, a Consent
     * built as a read builds it.
     */
    private String line(String type, IParser parser, Caller caller, ResultSet rs) throws SQLException {
        return switch (type) {
            case "Task" -> parser.encodeResourceToString(invitations.visibleTo(caller,
                    parser.parseResource(Task.class, rs.getString(2))));
            case "Consent" -> parser.encodeResourceToString(SharingService.toConsent(new SharingService.Decision(
                    rs.getString(1), rs.getString(2), rs.getString(3), "share".equals(rs.getString(4)), rs.getString(5),
                    rs.getObject(6, java.time.OffsetDateTime.class).toInstant()), rs.getString(7)));
            case "Observation" -> oneLine(parser, PackedObservationJson.unpack(rs.getBytes(2)));
            default -> oneLine(parser, rs.getString(2));
        };
    }

    /**
     * Stored text is HAPI's compact encoding, one line (a line break inside a string is escaped). It is checked to be
     * one well-formed JSON value by Jackson's streaming tokenizer (far cheaper than HAPI's parse and encode): a damaged
     * row fails the job rather than a warehouse loading a broken line. Only well-formedness, as HAPI's parse checked
     * before: not the input limits of request bodies (JsonScan), which content built by the server need not keep.
     * Text with a raw line break is encoded again.
     */
    static String oneLine(IParser parser, String stored) {
        String problem = wellFormedProblem(stored);
        if (problem != null) {
            throw new IllegalStateException("a stored resource is not well-formed JSON: " + problem);
        }
        if (stored.indexOf('\n') < 0 && stored.indexOf('\r') < 0) {
            return stored;
        }
        return parser.encodeResourceToString(parser.parseResource(stored));
    }

    private static String wellFormedProblem(String text) {
        try (JsonParser json = WELL_FORMED.createParser(text)) {
            if (json.nextToken() == null) {
                return "empty";
            }
            json.skipChildren(); // reads every token of the value
            return json.nextToken() == null ? null : "more than one value";
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * The catalog's questionnaires, as {@code GET /fhir/Questionnaire} serves them, in id order; with {@code _since}
     * those whose version was first loaded after it (the archive's first_loaded), up to the transaction time.
     */
    private void writeQuestionnaires(ExportJobs.Job job, IParser parser, Lines lines, String afterId)
            throws IOException, SQLException, InterruptedException {
        Set<String> loaded = null;
        if (job.since() != null) {
            ExportQuery.Page page = ExportQuery.questionnairesLoaded(job.since(), job.transactionTime());
            loaded = new java.util.HashSet<>();
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(page.sql())) {
                SqlWhere.bind(select, page.parameters());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        loaded.add(rs.getString(1));
                    }
                }
            }
        }
        Set<String> changed = loaded;
        List<Questionnaire> questionnaires = catalog.all().stream()
                .filter(q -> q.getIdElement().getIdPart().compareTo(afterId) > 0)
                .filter(q -> changed == null || changed.contains(q.getIdElement().getIdPart()))
                .sorted(java.util.Comparator.comparing(q -> q.getIdElement().getIdPart())).toList();
        for (Questionnaire questionnaire : questionnaires) {
            lines.write(questionnaire.getIdElement().getIdPart(), parser.encodeResourceToString(questionnaire));
        }
    }

    /** The files of one type as they are written: a new one when the last is full. */
    private final class Lines {
        final String jobId;
        final String type;
        int seq;
        NdjsonFile file;

        Lines(String jobId, String type, int seq) {
            this.jobId = jobId;
            this.type = type;
            this.seq = seq;
        }

        void write(String id, String line) throws IOException, InterruptedException {
            if (stopping) {
                throw new Stop();
            }
            if (file == null) {
                file = new NdjsonFile(jobId, type, seq++);
            }
            file.write(id, line);
            if (file.lines >= configuration.getMaxFileLines() || file.bytes >= configuration.getMaxFileBytes()) {
                NdjsonFile full = file;
                file = null;
                finish(full);
            }
        }

        void finishOpen() throws IOException, InterruptedException {
            if (file != null) {
                NdjsonFile last = file;
                file = null;
                finish(last);
            }
        }

        void abandon() {
            if (file != null) {
                file.closeQuietly();
                file = null;
            }
        }
    }

    private void finish(NdjsonFile file) throws IOException, InterruptedException {
        file.close();
        if (!jobs.fileFinished(new ExportJobs.ExportFile(file.jobId, file.seq, file.type, file.name, file.lines,
                file.bytes, file.lastKey, instance), configuration.getLease())) {
            throw new Stop();
        }
        if (!configuration.getFilePause().isZero()) {
            Thread.sleep(configuration.getFilePause().toMillis());
        }
    }

    private void afterLostLease(String jobId) {
        Optional<ExportJobs.Job> job = jobs.find(jobId);
        if (job.isEmpty() || ExportJobs.CANCELLED.equals(job.get().status())) {
            // the client cancelled while a file was being written: take that file away too
            try {
                store.deleteJob(jobId);
            } catch (IOException e) {
                LOG.warn("Files of cancelled bulk export {} not deleted: {}", jobId, e.toString());
            }
        } else {
            LOG.info("Bulk export {} continues on another instance", jobId);
        }
    }

    private void releaseQuietly(String jobId) {
        try {
            jobs.release(jobId, instance);
            LOG.info("Bulk export {} left for another instance (shutting down)", jobId);
        } catch (RuntimeException e) {
            LOG.info("Bulk export {} left for another instance once its lease runs out", jobId);
        }
    }

    /** One NDJSON file being written: {@code <Type>-<n>.ndjson}. */
    private final class NdjsonFile {
        final String jobId;
        final String type;
        final int seq;
        final String name;
        final OutputStream out;
        long lines;
        long bytes;
        String lastKey;

        NdjsonFile(String jobId, String type, int seq) throws IOException {
            this.jobId = jobId;
            this.type = type;
            this.seq = seq;
            this.name = type + "-" + seq + ".ndjson";
            this.out = new BufferedOutputStream(store.create(jobId, name), 64 * 1024);
        }

        void write(String id, String line) throws IOException {
            byte[] data = line.getBytes(StandardCharsets.UTF_8);
            out.write(data);
            out.write('\n');
            lines++;
            bytes += data.length + 1;
            lastKey = id;
        }

        void close() throws IOException {
            out.close();
        }

        void closeQuietly() {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("Half-written export file {} not closed: {}", name, e.toString());
            }
        }
    }
}
