package fi.vointi.adaptive;

import fi.vointi.cat.CatStep;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The SDC {@code $next-question} operation, statelessly: the client's QuestionnaireResponse holds a contained
 * Questionnaire with the items asked so far (derivedFrom = the bank's url|version) and the answers; the answer
 * adds the next item, or completes the response, and carries the current cat-estimate either way.
 */
@Singleton
public class NextQuestionService {
    /** Id of the contained Questionnaire the server creates when a test starts. */
    public static final String CONTAINED_ID = "cat";
    private final AdaptiveBanks banks;

    public NextQuestionService(AdaptiveBanks banks) {
        this.banks = banks;
    }

    public QuestionnaireResponse next(QuestionnaireResponse response) {
        if (response.getStatus() != null && response.getStatus() != QuestionnaireResponseStatus.INPROGRESS) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "$next-question continues an in-progress response;"
                    + " this one is " + response.getStatus().toCode());
        }
        response.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        String reference = response.getQuestionnaire();
        if (reference == null || reference.isBlank()) {
            throw FhirException.unprocessable(IssueType.REQUIRED, "QuestionnaireResponse.questionnaire must name the item bank"
                    + " (url|version) to start, or '#" + CONTAINED_ID + "' (the contained Questionnaire) to continue");
        }
        Questionnaire asked;
        AdaptiveBank bank;
        if (reference.startsWith("#")) {
            asked = contained(response, reference.substring(1)).orElseThrow(() -> FhirException.unprocessable(
                    IssueType.NOTFOUND, "QuestionnaireResponse.questionnaire '" + reference + "' names no contained Questionnaire"));
            bank = bankOf(asked);
        } else {
            bank = banks.resolve(CanonicalRef.parse(reference)).orElseThrow(() -> FhirException.unprocessable(
                    IssueType.NOTFOUND, "'" + reference + "' is not an adaptive questionnaire of this server"));
            if (!response.getContained().isEmpty() || response.hasItem()) {
                throw FhirException.unprocessable(IssueType.BUSINESSRULE,
                        "A new adaptive test starts without answers or contained resources");
            }
            asked = new Questionnaire();
            asked.setId(CONTAINED_ID);
            asked.setStatus(PublicationStatus.ACTIVE);
            asked.addDerivedFrom(bank.canonical());
            asked.setTitle(bank.questionnaire().getTitle());
            asked.getTitleElement().setExtension(bank.questionnaire().getTitleElement().getExtension());
            response.addContained(asked);
            response.setQuestionnaire("#" + CONTAINED_ID);
        }
        String language = response.hasLanguage() ? response.getLanguage() : null;
        AdaptiveSession.Checked checked = AdaptiveSession.check(bank, linkId -> banks.presented(bank, linkId, language),
                asked.getItem(), response.getItem(), true);
        if (!checked.ok()) {
            throw FhirException.unprocessable(checked.problems());
        }
        CatStep step = bank.engine().next(checked.answers(), salt(response, asked));
        response.getExtension().removeIf(e -> AdaptiveBank.CAT_ESTIMATE.equals(e.getUrl()));
        response.addExtension(AdaptiveSession.estimateExtension(step));
        if (step.finished()) {
            response.setStatus(QuestionnaireResponseStatus.COMPLETED);
        } else {
            asked.addItem(banks.presented(bank, step.nextItemId(), language).orElseThrow().copy());
        }
        return response;
    }

    /** The bank a contained Questionnaire was derived from: exactly the version the test started on. */
    AdaptiveBank bankOf(Questionnaire asked) {
        if (asked.getDerivedFrom().size() != 1) {
            throw FhirException.unprocessable(IssueType.INVALID,
                    "The contained Questionnaire must name its item bank in derivedFrom (url|version)");
        }
        CanonicalRef ref = CanonicalRef.parse(asked.getDerivedFrom().get(0).getValue());
        if (!ref.hasVersion()) {
            throw FhirException.unprocessable(IssueType.INVALID, "derivedFrom must name the bank's version (url|version)");
        }
        return banks.resolve(ref).filter(b -> b.canonical().equals(ref.toString())).orElseThrow(() ->
                FhirException.unprocessable(IssueType.NOTFOUND, "Item bank " + ref + " is not served (unknown bank or version);"
                        + " start the test again"));
    }

    static Optional<Questionnaire> contained(QuestionnaireResponse response, String id) {
        for (Resource resource : response.getContained()) {
            if (resource instanceof Questionnaire q && id.equals(q.getIdElement().getIdPart())) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    /** Randomesque choices are reproducible within one test: the same identifier gives the same path. */
    private static long salt(QuestionnaireResponse response, Questionnaire asked) {
        String key = response.hasIdentifier() ? response.getIdentifier().getSystem() + "|" + response.getIdentifier().getValue()
                : asked.getIdElement().getIdPart();
        CRC32 crc = new CRC32();
        crc.update(String.valueOf(key).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

}
