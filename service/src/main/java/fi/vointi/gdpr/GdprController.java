package fi.vointi.gdpr;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;

import java.util.Set;

/**
 * GDPR operations on one patient's data: {@code $everything} (access and portability) and {@code $erase}
 * (erasure or pseudonymisation). Contract: docs/gdpr.md.
 */
@Controller("/fhir/Patient")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy.export / AccessPolicy.erase decide
@ExecuteOn(TaskExecutors.BLOCKING)
public class GdprController {
    private static final int MAX_REASON = 200;
    private final PatientExport export;
    private final PatientErasure erasure;
    private final CallerResolver callers;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;

    public GdprController(PatientExport export, PatientErasure erasure, CallerResolver callers, FhirJson json,
                          FhirResponses responses, FhirServerConfiguration server) {
        this.export = export;
        this.erasure = erasure;
        this.callers = callers;
        this.json = json;
        this.responses = responses;
        this.server = server;
    }

    @Get(uri = "/{id}/$everything", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> everything(@PathVariable String id, HttpRequest<?> request) {
        return export(id, null, request);
    }

    /** The POST form of {@code $everything}: no body, or a Parameters resource without parameters. */
    @Post(uri = "/{id}/$everything", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> everythingPost(@PathVariable String id, @Nullable @Body String body, HttpRequest<?> request) {
        return export(id, body, request);
    }

    private HttpResponse<String> export(String id, @Nullable String body, HttpRequest<?> request) {
        // Patient set before the check: a refused attempt belongs in the patient's access log too.
        AuditContext audit = AuditContext.of(request).operation("export").entity("Patient/" + id).patient(id);
        fi.vointi.security.Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.export(caller, id));
        refuseParameters(request);
        Parameters parameters = parameters(body, request);
        if (parameters.hasParameter()) {
            throw FhirException.notSupported("Parameter '" + parameters.getParameterFirstRep().getName()
                    + "' is not supported by $everything: it always returns everything stored about the patient");
        }
        // a guardian's copy leaves out a young person's own answers closed to guardians (the same rule as a read)
        boolean guardianCopy = !caller.has(fi.vointi.security.Role.ADMIN) && !id.equals(caller.patientId());
        Bundle bundle = export.everything(id, SearchBundles.baseUrl(request, server.getBaseUrl()), guardianCopy);
        audit.detail("entries=" + bundle.getEntry().size());
        return responses.ok(bundle, request);
    }

    /**
     * Erasure ({@code mode=erase}, the default) or pseudonymisation ({@code mode=pseudonymise}) of everything
     * stored about the patient, admins only. Idempotent: a patient with nothing stored gives counts of zero.
     */
    @Post(uri = "/{id}/$erase", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> erase(@PathVariable String id, @Nullable @Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("erase").entity("Patient/" + id).patient(id);
        CallerResolver.enforce(AccessPolicy.erase(callers.resolve(request)));
        refuseParameters(request);
        String mode = "erase";
        String reason = null;
        for (Parameters.ParametersParameterComponent parameter : parameters(body, request).getParameter()) {
            String value = parameter.getValue() == null ? null : parameter.getValue().primitiveValue();
            switch (String.valueOf(parameter.getName())) {
                case "mode" -> {
                    if (!Set.of("erase", "pseudonymise").contains(value)) {
                        throw FhirException.badRequest("Parameter 'mode' must be 'erase' or 'pseudonymise'");
                    }
                    mode = value;
                }
                case "reason" -> {
                    if (value == null || value.length() > MAX_REASON) {
                        throw FhirException.badRequest("Parameter 'reason' must be a string of at most " + MAX_REASON
                                + " characters, e.g. the case number of the request (no health data)");
                    }
                    reason = value;
                }
                default -> throw FhirException.notSupported("Parameter '" + parameter.getName()
                        + "' is not supported by $erase; supported: mode, reason");
            }
        }
        audit.operation(mode);
        GdprCounts counts = mode.equals("erase") ? erasure.erase(id) : erasure.pseudonymise(id);
        audit.detail(counts + (reason == null ? "" : "; reason: " + reason));
        String done = mode.equals("erase") ? "Erased" : "Pseudonymised";
        String message = counts.total() == 0
                ? "Nothing stored about Patient/" + id + " (" + counts + ")"
                : done + " the data of Patient/" + id + ": " + counts + ". The audit trail is kept.";
        return responses.outcome(HttpResponse.ok(), request, message);
    }

    private Parameters parameters(@Nullable String body, HttpRequest<?> request) {
        return body == null || body.isBlank() ? new Parameters() : json.parseBody(body, Parameters.class, request);
    }

    /** Only presentation parameters: a typo such as {@code _since} must not silently mean "everything". */
    private static void refuseParameters(HttpRequest<?> request) {
        for (String name : request.getParameters().names()) {
            if (!name.equals("_pretty") && !name.equals("_format")) {
                throw FhirException.notSupported("Parameter '" + name + "' is not supported here; only _pretty and _format");
            }
        }
        SearchRequest.of(request.getParameters(), Set.of()); // refuses a _format other than JSON or XML, and a bad _pretty
    }
}
