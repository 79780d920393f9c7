package fi.vointi.bulk;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.organization.UnitTree;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * FHIR Bulk Data Access v2 export (docs/bulk-export.md): kick-off at {@code /fhir/$export} and
 * {@code /fhir/Group/{unitId}/$export}, status at {@code /fhir/bulk-status/{job}}, files at
 * {@code /fhir/bulk-files/{job}/{name}}. Starting needs {@link AccessPolicy#bulkExport}; everything after the kick-off
 * belongs to the client that started it ({@link AccessPolicy#readExportJob}).
 */
@Controller("/fhir")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class BulkExportController {
    public static final String NDJSON = "application/fhir+ndjson";

    private final ExportJobs jobs;
    private final ExportWorker worker;
    private final ExportStore store;
    private final BulkExportConfiguration configuration;
    private final CallerResolver callers;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final UnitTree unitTree;
    private final JsonMapper jsonMapper;

    BulkExportController(ExportJobs jobs, ExportWorker worker, ExportStore store, BulkExportConfiguration configuration,
                         CallerResolver callers, FhirResponses responses, FhirServerConfiguration server,
                         UnitTree unitTree, JsonMapper jsonMapper) {
        this.jobs = jobs;
        this.worker = worker;
        this.store = store;
        this.configuration = configuration;
        this.callers = callers;
        this.responses = responses;
        this.server = server;
        this.unitTree = unitTree;
        this.jsonMapper = jsonMapper;
    }

    @Get(uri = "/$export", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> exportAll(HttpRequest<?> request) {
        return kickOff(request, null);
    }

    /** A Group is the patients of a service unit: the Group id is the unit's Organization id (docs/bulk-export.md). */
    @Get(uri = "/Group/{id}/$export", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> exportGroup(@PathVariable String id, HttpRequest<?> request) {
        return kickOff(request, id);
    }

    private HttpResponse<String> kickOff(HttpRequest<?> request, String groupId) {
        AuditContext audit = AuditContext.of(request).operation("bulk-export")
                .entity(groupId == null ? null : "Group/" + groupId);
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.bulkExport(caller));
        String prefer = request.getHeaders().get("Prefer");
        if (prefer == null || !prefer.toLowerCase(java.util.Locale.ROOT).contains("respond-async")) {
            throw FhirException.badRequest("$export runs asynchronously: send the header 'Prefer: respond-async'");
        }
        ExportRequest parsed = ExportRequest.parse(request.getParameters().asMap());
        if (parsed.typesAsked()) { // a type named but not readable is refused, not silently left out
            parsed.types().forEach(type -> CallerResolver.enforce(AccessPolicy.exportType(caller, type)));
        } else { // without _type: every type the client may read
            parsed = parsed.onlyTypes(parsed.types().stream()
                    .filter(type -> AccessPolicy.exportType(caller, type).isEmpty()).toList());
        }
        if (groupId != null && unitTree.find(groupId).isEmpty()) {
            throw FhirException.notFound("Group/" + groupId + " is not known (a Group id is a service unit's Organization id)");
        }
        String base = SearchBundles.baseUrl(request, server.getBaseUrl());
        String path = request.getUri().toString();
        String requestUrl = base + (path.startsWith("/fhir") ? path.substring("/fhir".length()) : path);
        ExportJobs.Job job = jobs.create(UUID.randomUUID().toString(), AccessPolicy.exportClient(caller),
                ExportWorker.scopesText(caller), requestUrl, groupId, parsed.types(), parsed.since());
        audit.detail("job " + job.id() + ", types " + String.join(",", parsed.types()));
        worker.submit(job.id());
        return responses.outcome(HttpResponse.accepted().header("Content-Location", base + "/bulk-status/" + job.id()),
                request, "Export started; poll the Content-Location for its status");
    }

    @Get(uri = "/bulk-status/{id}", produces = {MediaType.APPLICATION_JSON, FhirMediaType.FHIR_JSON})
    public HttpResponse<?> status(@PathVariable String id, HttpRequest<?> request) throws IOException {
        AuditContext.of(request).operation("bulk-export-status").detail("job " + id);
        ExportJobs.Job job = ownJob(id, request);
        switch (job.status()) {
            case ExportJobs.IN_PROGRESS -> {
                List<ExportJobs.ExportFile> files = jobs.files(id);
                long written = files.stream().mapToLong(ExportJobs.ExportFile::lines).sum();
                return HttpResponse.accepted()
                        .header("X-Progress", job.typesDone().size() + " of " + job.types().size() + " types done, "
                                + written + " resources in " + files.size() + " files")
                        .header("Retry-After", Integer.toString(configuration.getRetryAfterSeconds()));
            }
            case ExportJobs.COMPLETED -> {
                String base = SearchBundles.baseUrl(request, server.getBaseUrl());
                return HttpResponse.ok(jsonMapper.writeValueAsString(manifest(job, base)))
                        .contentType(MediaType.APPLICATION_JSON_TYPE)
                        .header("Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                job.finishedAt().plus(configuration.getRetention()).atOffset(ZoneOffset.UTC)));
            }
            default -> throw new FhirException(HttpStatus.INTERNAL_SERVER_ERROR, IssueType.EXCEPTION,
                    job.error() != null ? job.error() : ExportWorker.FAILED_MESSAGE);
        }
    }

    /** Cancels a job in progress or discards a finished one; its files are deleted at once. */
    @Delete(uri = "/bulk-status/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON})
    public HttpResponse<String> cancel(@PathVariable String id, HttpRequest<?> request) throws IOException {
        AuditContext.of(request).operation("bulk-export-cancel").detail("job " + id);
        ownJob(id, request);
        jobs.cancel(id);
        store.deleteJob(id);
        return responses.outcome(HttpResponse.accepted(), request, "Export " + id + " cancelled and its files deleted");
    }

    @Get(uri = "/bulk-files/{id}/{name}", produces = NDJSON)
    public HttpResponse<StreamedFile> download(@PathVariable String id, @PathVariable String name,
                                               HttpRequest<?> request) throws IOException {
        AuditContext audit = AuditContext.of(request).operation("bulk-export-download").detail("job " + id + ", " + name);
        ExportJobs.Job job = ownJob(id, request);
        String unknown = "bulk-files/" + id + "/" + name + " is not known";
        if (!ExportJobs.COMPLETED.equals(job.status())) {
            throw FhirException.notFound(unknown);
        }
        ExportJobs.ExportFile file = jobs.files(id).stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> FhirException.notFound(unknown));
        InputStream in = store.open(id, file.name()).orElseThrow(() -> FhirException.notFound(unknown));
        audit.entity(file.type());
        return HttpResponse.ok(new StreamedFile(in, new MediaType(NDJSON), 0, file.bytes()))
                .contentType(new MediaType(NDJSON));
    }

    /** The caller's own job; another client's job, a cancelled one and an unknown id all answer 404. */
    private ExportJobs.Job ownJob(String id, HttpRequest<?> request) {
        Caller caller = callers.resolve(request);
        String unknown = "Export job " + id + " is not known";
        if (caller.isAnonymous()) {
            CallerResolver.enforce(AccessPolicy.readExportJob(caller, null));
        }
        ExportJobs.Job job = jobs.find(id).filter(j -> !ExportJobs.CANCELLED.equals(j.status()))
                .orElseThrow(() -> FhirException.notFound(unknown));
        CallerResolver.enforce(AccessPolicy.readExportJob(caller, job.clientId()), unknown);
        return job;
    }

    /** The completion manifest of the Bulk Data IG (v2). */
    private Map<String, Object> manifest(ExportJobs.Job job, String base) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("transactionTime", DateTimeFormatter.ISO_INSTANT.format(job.transactionTime()));
        manifest.put("request", job.requestUrl());
        manifest.put("requiresAccessToken", true);
        manifest.put("output", jobs.files(job.id()).stream().map(f -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", f.type());
            entry.put("url", base + "/bulk-files/" + job.id() + "/" + f.name());
            entry.put("count", f.lines());
            return entry;
        }).toList());
        manifest.put("error", List.of());
        return manifest;
    }
}
