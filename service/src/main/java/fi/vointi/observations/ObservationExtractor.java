package fi.vointi.observations;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.adaptive.AdaptiveBanks;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.responses.ResponseWrite;
import fi.vointi.responses.ResponseWriteListener;
import fi.vointi.scoring.ScoringRule;
import fi.vointi.scoring.ScoringRules;
import fi.vointi.scoring.Scorer;
import fi.vointi.scoring.Scores;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a response's scores into Observations in the transaction that stores the response:
 * <ul>
 *   <li>completed: one Observation per score (status final);</li>
 *   <li>amended: a new version of each of those Observations (status amended; earlier versions stay readable);</li>
 *   <li>entered-in-error: a new version of each with status entered-in-error;</li>
 *   <li>stopped: for an adaptive test with at least minItems answers, one provisional Observation (status
 *   preliminary); otherwise nothing;</li>
 *   <li>in-progress: nothing.</li>
 * </ul>
 */
@Singleton
public class ObservationExtractor implements ResponseWriteListener {
    private static final String PRELIMINARY = ObservationStatus.PRELIMINARY.toCode();
    private final ObservationStore store;
    private final FhirJson json;
    /** Rules per questionnaire url|version: the content of a version never changes. */
    private final Map<String, List<ScoringRule>> rules = new ConcurrentHashMap<>();
    /** The option values those rules read, per url|version, likewise. */
    private final Map<String, ScoringRules.OptionValues> optionValues = new ConcurrentHashMap<>();


    private final AdaptiveBanks banks;
    private final java.time.Clock clock;

    ObservationExtractor(ObservationStore store, FhirJson json, AdaptiveBanks banks, java.time.Clock clock) {
        this.clock = clock;
        this.store = store;
        this.json = json;
        this.banks = banks;
    }

    @Override
    public void written(ResponseWrite write) {
        QuestionnaireResponse response = write.response();
        String responseId = response.getIdElement().getIdPart();
        if (write.isFinal()) {
            List<ExtractedScore> scores = scores(write.questionnaire(), response);
            if (scores.isEmpty()) {
                return;
            }
            Map<String, StoredObservation> existing = write.previousStatus() == null ? Map.of()
                    : store.ofResponse(responseId).stream().collect(Collectors.toMap(StoredObservation::scoreKey, Function.identity()));
            Instant now = clock.instant();
            List<ObservationStore.Write> inserts = new ArrayList<>();
            for (ExtractedScore score : scores) {
                StoredObservation earlier = existing.get(score.key());
                // a provisional score of a stopped test that was resumed and finished becomes the final one
                ObservationStatus status = earlier == null || PRELIMINARY.equals(earlier.status())
                        ? ObservationStatus.FINAL : ObservationStatus.AMENDED;
                String id = earlier == null ? UUID.randomUUID().toString() : earlier.id();
                Observation observation = ObservationFactory.build(id, status, write.questionnaire(), response, score, Date.from(now));
                ObservationStore.Write row = row(observation, earlier, write, score.key(), now);
                if (earlier == null) {
                    inserts.add(row);
                } else {
                    replace(row);
                }
            }
            store.insertAll(inserts);
        } else if (response.getStatus() == QuestionnaireResponseStatus.STOPPED) {
            provisional(write);
        } else if (response.getStatus() == QuestionnaireResponseStatus.ENTEREDINERROR && (write.replacesFinalVersion()
                || write.previousStatus() == QuestionnaireResponseStatus.STOPPED)) {
            Instant now = clock.instant();
            for (StoredObservation earlier : store.ofResponse(responseId)) {
                Observation observation = json.parseStored(earlier.resourceJson(), Observation.class);
                observation.setStatus(ObservationStatus.ENTEREDINERROR);
                replace(row(observation, earlier, write, earlier.scoreKey(), now));
            }
        }
    }

    /**
     * An adaptive test stopped before its stopping rule (abandoned) with at least the design's minItems answers: its
     * estimate so far as a provisional Observation (status preliminary, marked in its code text and a note), never part
     * of a score series (those read final and amended only). Fewer answers: nothing.
     */
    private void provisional(ResponseWrite write) {
        QuestionnaireResponse response = write.response();
        Questionnaire questionnaire = write.questionnaire();
        Optional<AdaptiveBank> bank = banks.resolve(new CanonicalRef(questionnaire.getUrl(), questionnaire.getVersion()));
        Extension estimate = response.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE);
        if (bank.isEmpty() || estimate == null) {
            return;
        }
        int answered = integer(estimate, "itemsAdministered");
        if (answered < bank.get().design().minItems()) {
            return;
        }
        ExtractedScore score = catScore(questionnaire, bank.get(), estimate);
        String responseId = response.getIdElement().getIdPart();
        StoredObservation earlier = write.previousStatus() == null ? null : store.ofResponse(responseId).stream()
                .filter(o -> o.scoreKey().equals(score.key())).findFirst().orElse(null);
        Instant now = Instant.now();
        String id = earlier == null ? UUID.randomUUID().toString() : earlier.id();
        Observation observation = ObservationFactory.build(id, ObservationStatus.PRELIMINARY, questionnaire, response, score,
                Date.from(now));
        String text = observation.getCode().getText() + " – provisional: test stopped before its end";
        observation.getCode().setText(text);
        observation.addNote().setText("Provisional score: the adaptive test was stopped after " + answered + " items,"
                + " before its stopping rule was met (minimum " + bank.get().design().minItems() + " items). Not a final"
                + " result; not used in change over time.");
        ObservationStore.Write row = row(observation, earlier, write, score.key(), now);
        if (earlier == null) {
            store.insertAll(List.of(row));
        } else {
            replace(row);
        }
    }

    private ObservationStore.Write row(Observation observation, StoredObservation earlier, ResponseWrite write,
                                       String scoreKey, Instant now) {
        QuestionnaireResponse response = write.response();
        int versionId = earlier == null ? 1 : earlier.versionId() + 1;
        observation.getMeta().setVersionId(Integer.toString(versionId)).setLastUpdated(Date.from(now));
        ObservationStore.Write row = new ObservationStore.Write(observation.getIdElement().getIdPart(), versionId,
                response.getIdElement().getIdPart(), Integer.parseInt(response.getMeta().getVersionId()), scoreKey,
                observation.getStatus().toCode(), observation.getCode().getCodingFirstRep().getCode(), write.row().subjectType(),
                write.row().subjectId(), response.getAuthored().toInstant(), now, storedJson(observation),
                Reporter.of(response));
        return row;
    }

    /** A plain score's JSON written directly (a create writes four), anything else by HAPI's encoder. */
    private String storedJson(Observation observation) {
        return ScoreObservationJson.write(observation).orElseGet(() -> json.encodeForStorage(observation));
    }

    private void replace(ObservationStore.Write row) {
        if (!store.replace(row)) {
            throw FhirException.conflict("The Observations of QuestionnaireResponse/" + row.responseId()
                    + " were changed by someone else; retry");
        }
    }

    /** The response's scores: its questionnaire's rules, and for an adaptive test the final estimate. */
    private List<ExtractedScore> scores(Questionnaire questionnaire, QuestionnaireResponse response) {
        List<ExtractedScore> scores = new ArrayList<>();
        Optional<AdaptiveBank> bank = banks.resolve(new CanonicalRef(questionnaire.getUrl(), questionnaire.getVersion()));
        Extension estimate = response.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE);
        if (bank.isPresent() && estimate != null) {
            scores.add(catScore(questionnaire, bank.get(), estimate));
        }
        if (ScoringRules.hasRules(questionnaire)) {
            String canonical = questionnaire.getUrl() + "|" + questionnaire.getVersion();
            List<ScoringRule> declared = rules.computeIfAbsent(canonical, key -> ScoringRules.read(questionnaire));
            try {
                ScoringRules.OptionValues options = optionValues.computeIfAbsent(canonical,
                        key -> ScoringRules.optionValues(questionnaire, declared));
                Scorer.score(declared, ScoringRules.answers(options, response))
                        .forEach(result -> scores.add(ExtractedScore.of(result)));
            } catch (IllegalArgumentException e) {
                // the validator accepted the answers, so this is an answer the rules cannot value
                throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The response cannot be scored: " + e.getMessage());
            }
        }
        return scores;
    }

    /** The adaptive test's own estimate, which the service recomputed when it stored the response. */
    private static ExtractedScore catScore(Questionnaire questionnaire, AdaptiveBank bank, Extension estimate) {
        BigDecimal score = decimal(estimate, "score");
        boolean tScore = bank.design().scoreMean() == 50.0 && bank.design().scoreSd() == 10.0;
        return new ExtractedScore(ScoreCodes.CAT_SCORE,
                (questionnaire.hasTitle() ? questionnaire.getTitle() : questionnaire.getName()) + (tScore ? " (T-score, CAT)" : " (CAT)"),
                tScore ? "{T-score}" : "{score}", Scores.round(score), Scores.round(decimal(estimate, "scoreStandardError")),
                null, null, integer(estimate, "itemsAdministered"), integer(estimate, "itemsAdministered"),
                Scores.round(decimal(estimate, "theta"), 4), Scores.round(decimal(estimate, "standardError"), 4));
    }

    private static BigDecimal decimal(Extension estimate, String part) {
        Extension e = estimate.getExtensionByUrl(part);
        if (e == null || !(e.getValue() instanceof DecimalType d)) {
            throw new IllegalStateException("cat-estimate without " + part);
        }
        return d.getValue();
    }

    private static int integer(Extension estimate, String part) {
        Extension e = estimate.getExtensionByUrl(part);
        return e != null && e.getValue() instanceof IntegerType i ? i.getValue() : 0;
    }
}
