package fi.vointi.observations;

import com.fasterxml.jackson.annotation.JsonInclude;
import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirException;
import fi.vointi.input.UntrustedText;
import fi.vointi.scoring.ChangeOverTime;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.MapFormat;
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
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    private final ObservationSearch search;
    private final CallerResolver callers;
    private final Map<String, BigDecimal> minimalImportantDifferences = new HashMap<>();

    ScoreSeriesController(ObservationSearch search, CallerResolver callers,
                          @Nullable @Property(name = "vointi.scoring.minimal-important-difference")
                          @MapFormat(transformation = MapFormat.MapTransformation.FLAT) Map<String, String> mids) {
        this.search = search;
        this.callers = callers;
        if (mids != null) {
            mids.forEach((code, value) -> {
                try {
                    BigDecimal mid = new BigDecimal(value.trim());
                    if (mid.signum() <= 0) {
                        throw new NumberFormatException();
                    }
                    minimalImportantDifferences.put(code, mid);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("vointi.scoring.minimal-important-difference." + code
                            + " must be a positive number, was '" + value + "'");
                }
            });
        }
    }

    // nulls are written out: "reliable": null means the change cannot be judged, not that the field is missing
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Series(String patient, String system, String code, String display, String unit,
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
    public Series scores(@PathVariable String id, @Nullable @QueryValue String code, HttpRequest<?> request) {
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
        int bar = code.indexOf('|');
        String system = bar < 0 ? ScoreCodes.SCORE_SYSTEM : code.substring(0, bar);
        String scoreCode = bar < 0 ? code : code.substring(bar + 1);
        List<Observation> observations = search.seriesOf(id, system, scoreCode, AccessPolicy.readGrants(caller));
        observations.forEach(o -> audit.entity("Observation/" + o.getIdElement().getIdPart()));

        Map<String, Observation> byId = new HashMap<>();
        List<ChangeOverTime.Measurement> measurements = new ArrayList<>();
        String display = null;
        String unit = null;
        for (Observation o : observations) {
            byId.put(o.getIdElement().getIdPart(), o);
            display = o.getCode().getCodingFirstRep().getDisplay();
            BigDecimal value = o.hasValueQuantity() ? o.getValueQuantity().getValue() : null;
            if (o.hasValueQuantity()) {
                unit = o.getValueQuantity().getUnit();
            }
            measurements.add(new ChangeOverTime.Measurement(o.getEffectiveDateTimeType().getValue().toInstant(),
                    o.getIdElement().getIdPart(), value, component(o, ScoreCodes.STANDARD_ERROR)));
        }
        BigDecimal mid = minimalImportantDifferences.get(scoreCode);
        List<SeriesPoint> points = new ArrayList<>();
        for (ChangeOverTime.Point point : ChangeOverTime.series(measurements, mid)) {
            Observation o = byId.get(point.measurement().sourceId());
            Coding band = o.hasInterpretation() ? o.getInterpretationFirstRep().getCodingFirstRep() : null;
            points.add(new SeriesPoint("Observation/" + o.getIdElement().getIdPart(),
                    o.getDerivedFromFirstRep().getReference(), o.getEffectiveDateTimeType().getValueAsString(),
                    o.getStatus().toCode(), point.measurement().value(), point.measurement().standardError(),
                    band == null ? null : band.getCode(), band == null ? null : band.getDisplay(),
                    o.hasDataAbsentReason() ? o.getDataAbsentReason().getCodingFirstRep().getCode() : null,
                    change(point.fromBaseline()), change(point.fromPrevious())));
        }
        return new Series(id, system, scoreCode, display, unit, mid, points);
    }

    private static SeriesChange change(ChangeOverTime.Change change) {
        return change == null ? null : new SeriesChange(change.difference(), change.index(), change.reliable(),
                change.method().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    private static BigDecimal component(Observation o, String code) {
        for (ObservationComponentComponent c : o.getComponent()) {
            if (code.equals(c.getCode().getCodingFirstRep().getCode()) && c.getValue() instanceof Quantity q) {
                return q.getValue();
            }
        }
        return null;
    }
}
