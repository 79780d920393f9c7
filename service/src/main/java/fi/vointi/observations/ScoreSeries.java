package fi.vointi.observations;

import fi.vointi.observations.ScoreSeriesController.Series;
import fi.vointi.observations.ScoreSeriesController.SeriesChange;
import fi.vointi.observations.ScoreSeriesController.SeriesPoint;
import fi.vointi.scoring.ChangeOverTime;
import fi.vointi.security.AccessPolicy;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.MapFormat;
import jakarta.inject.Singleton;
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
 * One patient's series of one score, self- or proxy-reported (never both), with change from the baseline and from the
 * previous point ({@link ChangeOverTime}); as far as the caller's read grants allow. Serves the JSON API
 * ({@link ScoreSeriesController}) and the patient's results pages alike.
 */
@Singleton
public class ScoreSeries {
    private final ObservationSearch search;
    private final Map<String, BigDecimal> minimalImportantDifferences = new HashMap<>();

    ScoreSeries(ObservationSearch search,
                @Nullable @Property(name = "vointi.scoring.minimal-important-difference")
                @MapFormat(transformation = MapFormat.MapTransformation.FLAT) Map<String, String> mids) {
        this.search = search;
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

    /** The caller must have passed {@link AccessPolicy#readPatient}; the grants limit which points are included. */
    public Series of(String patientId, String system, String scoreCode, Reporter reporter,
                     List<AccessPolicy.ReadGrant> grants) {
        List<Observation> observations = search.seriesOf(patientId, system, scoreCode, reporter, grants);
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
        return new Series(patientId, system, scoreCode, reporter.code(), display, unit, mid, points);
    }

    /** Which scores (code, reporter) a patient has that the grants let the caller see, in a stable order. */
    public List<ObservationSearch.ScoreKey> scoresOf(String patientId, List<AccessPolicy.ReadGrant> grants) {
        return search.scoresOf(patientId, grants);
    }

    private static SeriesChange change(ChangeOverTime.Change change) {
        return change == null ? null : new SeriesChange(change.difference(), change.index(), change.reliable(),
                change.method().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    static BigDecimal component(Observation o, String code) {
        for (ObservationComponentComponent c : o.getComponent()) {
            if (code.equals(c.getCode().getCodingFirstRep().getCode()) && c.getValue() instanceof Quantity q) {
                return q.getValue();
            }
        }
        return null;
    }
}
