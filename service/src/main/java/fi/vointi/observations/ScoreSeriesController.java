package fi.vointi.observations;

import com.fasterxml.jackson.annotation.JsonInclude;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.input.UntrustedText;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.util.List;

/**
 * One patient's series of one score with change from baseline and from the previous point
 * ({@code GET /api/patients/{id}/scores?code=...}), for the clinician and patient views. Who sees which
 * points follows the responses (a clinician sees only shared ones). docs/scoring.md, "Change over time".
 */
@Controller("/api/patients")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class ScoreSeriesController {
    /** Patient ids are kept in columns of 128 characters (subject_id, audit_event_patient). */
    static final int PATIENT_ID_LENGTH = 128;
    private final ScoreSeries series;
    private final CallerResolver callers;

    ScoreSeriesController(ScoreSeries series, CallerResolver callers) {
        this.series = series;
        this.callers = callers;
    }

    // nulls are written out: "reliable": null means the change cannot be judged, not that the field is missing
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Series(String patient, String system, String code, String reporter, String display, String unit,
                         BigDecimal minimalImportantDifference, List<SeriesPoint> points) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SeriesPoint(String observation, String derivedFrom, String effective, String status, BigDecimal value,
                              BigDecimal standardError, String interpretation, String interpretationDisplay,
                              String dataAbsentReason, SeriesChange changeFromBaseline, SeriesChange changeFromPrevious) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SeriesChange(BigDecimal difference, BigDecimal reliableChangeIndex, Boolean reliable, String method) {
    }

    @Get(uri = "/{id}/scores", produces = MediaType.APPLICATION_JSON)
    public Series scores(@PathVariable String id, @Nullable @QueryValue String code, @Nullable @QueryValue String reporter,
                         HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("score-series").detail("code: " + code);
        Caller caller = callers.resolve(request);
        String unknown = "No scores of Patient/" + id + " are known";
        CallerResolver.enforce(AccessPolicy.readPatient(caller, id), unknown);
        if (UntrustedText.tokenProblem(id, PATIENT_ID_LENGTH) != null) {
            throw FhirException.notFound(unknown); // no stored patient id is longer
        }
        // only a permitted read names the patient in the audit trail: a refused call cannot plant rows about anyone
        audit.patient(id);
        if (code == null || code.isBlank()) {
            throw FhirException.badRequest("Parameter 'code' is required: the score's code, e.g. "
                    + ScoreCodes.SCORE_SYSTEM + "|demo-wellbeing-prom.total or demo-wellbeing-prom.total");
        }
        Reporter who = reporter == null || reporter.isBlank() ? Reporter.SELF : Reporter.fromCode(reporter)
                .orElseThrow(() -> FhirException.badRequest("Parameter 'reporter' must be 'self' (answered by the patient,"
                        + " the default) or 'proxy' (answered by a guardian for the patient): the two are never one series"));
        int bar = code.indexOf('|');
        String system = bar < 0 ? ScoreCodes.SCORE_SYSTEM : code.substring(0, bar);
        String scoreCode = bar < 0 ? code : code.substring(bar + 1);
        Series result = series.of(id, system, scoreCode, who, AccessPolicy.readGrants(caller));
        result.points().forEach(p -> audit.entity(p.observation()));
        return result;
    }
}
