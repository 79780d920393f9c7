package fi.vointi.adaptive;

import fi.vointi.fhir.FhirJson;
import fi.vointi.observations.PackedObservationJson;
import fi.vointi.observations.Reporter;
import fi.vointi.observations.ScoreCodes;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;

import java.sql.ResultSet;
import java.util.OptionalDouble;

/**
 * The person's previous score on a bank, for designs with {@code previousScorePrior} (CHOIR's "previous score"
 * variant): the engine takes it as the prior mean, clamped ({@link fi.vointi.cat.CatEngine#priorMeanFor}). A test
 * must use the same value on every step, so look it up once when the test starts and keep it with the test.
 */
@Singleton
public class PreviousScores {
    private final JdbcOperations jdbc;
    private final FhirJson json;

    public PreviousScores(JdbcOperations jdbc, FhirJson json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * The theta of the patient's latest final or amended CAT score on this bank (any version of it: the score code is
     * the bank's id), from the same kind of reporter (self and proxy reports are never mixed); empty if there is none.
     */
    @Transactional(readOnly = true)
    public OptionalDouble previousTheta(AdaptiveBank bank, String patientId, Reporter reporter) {
        String code = ScoreCodes.code(bank.questionnaire(), ScoreCodes.CAT_SCORE);
        String stored = jdbc.prepareStatement("SELECT o.resource FROM observation o WHERE o.subject_type = 'Patient'"
                + " AND o.subject_id = ? AND o.code_system = ? AND o.code = ? AND o.reporter = ?"
                + " AND o.status IN ('final', 'amended') ORDER BY o.effective DESC, o.id DESC", statement -> {
            statement.setString(1, patientId);
            statement.setString(2, ScoreCodes.SCORE_SYSTEM);
            statement.setString(3, code);
            statement.setString(4, reporter.code());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? PackedObservationJson.unpack(rs.getBytes(1)) : null;
            }
        });
        if (stored == null) {
            return OptionalDouble.empty();
        }
        for (ObservationComponentComponent component : json.parseStored(stored, Observation.class).getComponent()) {
            if (component.getCode().getCodingFirstRep().getCode().equals(ScoreCodes.THETA) && component.hasValueQuantity()) {
                return OptionalDouble.of(component.getValueQuantity().getValue().doubleValue());
            }
        }
        return OptionalDouble.empty();
    }
}
