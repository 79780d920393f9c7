package fi.vointi.adaptive;

import fi.vointi.cat.Answer;
import fi.vointi.cat.CatReplay;
import fi.vointi.fhir.FhirException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An adaptive test's server-owned state: the randomesque seed the server drew when the test started and the server's
 * seal ({@link CatStateSeal}) over the bank, the seed and the items asked. Carried in the extension
 * {@value #URL} (parts {@code seed}: 16 hex digits, {@code seal}: base64 HMAC-SHA256) on the contained Questionnaire
 * during {@code $next-question}, and on the stored QuestionnaireResponse (sealed over the answered items).
 */
public record CatState(long seed, String seal) {
    public static final String URL = "https://vointi.fi/fhir/StructureDefinition/cat-state";

    /** The state on a resource; empty when it has none, 422 when it is malformed. */
    public static Optional<CatState> of(DomainResource resource) {
        List<Extension> found = resource.getExtensionsByUrl(URL);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw altered("more than one " + URL);
        }
        Extension seed = found.get(0).getExtensionByUrl("seed");
        Extension seal = found.get(0).getExtensionByUrl("seal");
        if (seed == null || seal == null || !(seed.getValue() instanceof StringType s) || s.getValue() == null
                || !(seal.getValue() instanceof Base64BinaryType b) || b.getValueAsString() == null) {
            throw altered("cat-state needs a seed (valueString) and a seal (valueBase64Binary)");
        }
        try {
            return Optional.of(new CatState(Long.parseUnsignedLong(s.getValue(), 16), b.getValueAsString()));
        } catch (NumberFormatException e) {
            throw altered("the cat-state seed is not 16 hex digits");
        }
    }

    /** Puts this state on {@code resource}, replacing any earlier one. */
    public void putOn(DomainResource resource) {
        resource.getExtension().removeIf(e -> URL.equals(e.getUrl()));
        Extension state = new Extension(URL);
        state.addExtension("seed", new StringType(String.format(Locale.ROOT, "%016x", seed)));
        state.addExtension("seal", new Base64BinaryType(seal));
        resource.addExtension(state);
    }

    static FhirException altered(String detail) {
        return FhirException.unprocessable(IssueType.BUSINESSRULE, "The adaptive test's state (" + URL + ") is missing or"
                + " was altered: " + detail + ". Only the server draws a test's seed and items; start the test again");
    }

    /**
     * Replays the test and checks the seal; 422 naming the first wrong step, or the state, otherwise the engine's step
     * after the answers.
     *
     * @param asked   the item ids asked, in order (the answered ones and at most one asked now)
     * @param answers the answers in the order asked (as {@link AdaptiveSession#check} returns them)
     */
    CatReplay.Result replay(CatStateSeal seals, AdaptiveBank bank, List<String> asked, List<Answer> answers, boolean completed) {
        for (int i = 0; i < answers.size(); i++) {
            if (!answers.get(i).itemId().equals(asked.get(i))) {
                throw FhirException.unprocessable(List.of(AdaptiveSession.problem("Item " + (i + 1) + " ('" + asked.get(i)
                        + "') was asked but not answered before item " + (i + 2), "QuestionnaireResponse.item")));
            }
        }
        CatReplay.Result result = CatReplay.replay(bank.engine(), seed, asked, answers, completed);
        if (!result.ok()) {
            throw FhirException.unprocessable(List.of(AdaptiveSession.problem("Step " + result.problem().step() + ": "
                    + result.problem().message(), "QuestionnaireResponse.item")));
        }
        if (!seals.verify(bank.canonical(), seed, asked, seal)) {
            throw altered("its seal does not match the bank, seed and items asked");
        }
        return result;
    }
}
