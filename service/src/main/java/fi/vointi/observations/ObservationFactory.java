package fi.vointi.observations;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import java.math.BigDecimal;
import java.util.Date;

/**
 * Builds the Observation of one score, following the SDC observation-extraction conventions: category survey,
 * subject and effective time from the response, derivedFrom the exact response version, the value as a
 * Quantity (or a dataAbsentReason), the SE as a component and the band as the interpretation.
 */
final class ObservationFactory {
    private static final String THETA_UNIT = "{theta}";

    private ObservationFactory() {
    }

    static Observation build(String id, ObservationStatus status, Questionnaire questionnaire,
                             QuestionnaireResponse response, ExtractedScore score, Date issued) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.setStatus(status);
        observation.addCategory(new CodeableConcept(new Coding(ScoreCodes.OBSERVATION_CATEGORY, "survey", "Survey")));
        observation.setCode(new CodeableConcept(new Coding(ScoreCodes.SCORE_SYSTEM,
                ScoreCodes.code(questionnaire, score.key()), score.display())).setText(score.display()));
        if (response.hasSubject()) {
            observation.setSubject(response.getSubject().copy());
        }
        observation.setEffective(response.getAuthoredElement().copy());
        // who answered: the patient (self-report) or a guardian as RelatedPerson (proxy report), see Reporter
        Reference performer = Reporter.performer(response);
        if (performer != null) {
            observation.addPerformer(performer);
        }
        observation.setIssued(issued);
        observation.addDerivedFrom(new Reference("QuestionnaireResponse/" + response.getIdElement().getIdPart()
                + "/_history/" + response.getMeta().getVersionId()));
        if (score.value() != null) {
            observation.setValue(quantity(score.value(), score.unit()));
        } else {
            observation.setDataAbsentReason(new CodeableConcept(new Coding(ScoreCodes.DATA_ABSENT_REASON,
                    score.noValueReason().dataAbsentReason(), null))
                    .setText("Not scored: " + score.noValueReason().code() + " (" + score.answered() + " of "
                            + score.items() + " items answered)"));
        }
        if (score.band() != null) {
            observation.addInterpretation(new CodeableConcept(new Coding(ScoreCodes.BAND_SYSTEM, score.band().code(),
                    score.band().display())).setText(score.band().display()));
        }
        if (score.standardError() != null) {
            component(observation, ScoreCodes.STANDARD_ERROR, "Standard error").setValue(quantity(score.standardError(), score.unit()));
        }
        if (score.theta() != null) {
            component(observation, ScoreCodes.THETA, "Theta (IRT)").setValue(quantity(score.theta(), THETA_UNIT));
            component(observation, ScoreCodes.THETA_STANDARD_ERROR, "Standard error of theta")
                    .setValue(quantity(score.thetaStandardError(), THETA_UNIT));
        }
        component(observation, ScoreCodes.ITEMS_ANSWERED, "Items answered").setValue(new IntegerType(score.answered()));
        return observation;
    }

    private static ObservationComponentComponent component(Observation observation, String code, String display) {
        ObservationComponentComponent component = observation.addComponent();
        component.setCode(new CodeableConcept(new Coding(ScoreCodes.COMPONENT_SYSTEM, code, display)));
        return component;
    }

    private static Quantity quantity(BigDecimal value, String unit) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(ScoreCodes.UCUM).setCode(unit);
    }
}
