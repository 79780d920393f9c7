package fi.vointi.adaptive;

import fi.vointi.cat.Answer;
import fi.vointi.cat.CatReplay;
import fi.vointi.fhir.FhirException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An adaptive test's server-owned state: the randomesque seed the server drew when the test started and the server's
 * seal ({@link CatStateSeal}) over the bank, the seed and the items asked. Carried in the extension
 * {@value #URL} (parts {@code seed}: 16 hex digits, {@code seal}: base64 HMAC-SHA256) on the contained Questionnaire
 * during {@code $next-question}, and on the stored QuestionnaireResponse (sealed over the answered items).
 *
 * <p>For a bank whose design has {@code previousScorePrior}, the state also carries the person's previous theta on the
 * bank (part {@code previousTheta}, valueDecimal), looked up once when the test started ({@link PreviousScores}) and
 * sealed with the rest, so that every replay uses the same prior mean and a client cannot change it.
 */
public record CatState(long seed, String seal, OptionalDouble previousTheta) {
    public static final String URL = "https://vointi.fi/fhir/StructureDefinition/cat-state";

    public CatState {
        if (previousTheta == null) {
            previousTheta = OptionalDouble.empty();
        }
    }

    /** A state without a previous theta. */
    public CatState(long seed, String seal) {
        this(seed, seal, OptionalDouble.empty());
    }

    /** A new test's state: its seed and previous theta (if any), sealed over the items asked so far. */
    static CatState sealed(CatStateSeal seals, String bankCanonical, long seed, OptionalDouble previousTheta,
                           List<String> asked) {
        return new CatState(seed, seals.seal(bankCanonical, seed, asked, previousTheta), previousTheta);
    }

    /** This test's seed and previous theta, sealed anew over {@code asked}. */
    CatState resealed(CatStateSeal seals, String bankCanonical, List<String> asked) {
        return sealed(seals, bankCanonical, seed, previousTheta, asked);
    }

    /** Whether the seal matches this state over {@code asked}. */
    boolean verifies(CatStateSeal seals, String bankCanonical, List<String> asked) {
        return seals.verify(bankCanonical, seed, asked, previousTheta, seal);
    }

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
        OptionalDouble previousTheta = OptionalDouble.empty();
        Extension previous = found.get(0).getExtensionByUrl("previousTheta");
        if (previous != null) {
            if (!(previous.getValue() instanceof DecimalType d) || d.getValue() == null
                    || !Double.isFinite(d.getValue().doubleValue())) {
                throw altered("the cat-state previousTheta must be a finite valueDecimal");
            }
            previousTheta = OptionalDouble.of(d.getValue().doubleValue());
        }
        try {
            return Optional.of(new CatState(Long.parseUnsignedLong(s.getValue(), 16), b.getValueAsString(), previousTheta));
        } catch (NumberFormatException e) {
            throw altered("the cat-state seed is not 16 hex digits");
        }
    }

    /** Puts this state on {@code resource}, replacing any earlier one. */
    public void putOn(DomainResource resource) {
        resource.getExtension().removeIf(e -> URL.equals(e.getUrl()));
        Extension state = new Extension(URL);
        state.addExtension("seed", new StringType(String.format(Locale.ROOT, "%016x", seed)));
        if (previousTheta.isPresent()) {
            // BigDecimal.valueOf keeps the shortest decimal that reads back as exactly this double (the sealed bits)
            state.addExtension("previousTheta", new DecimalType(BigDecimal.valueOf(previousTheta.getAsDouble())));
        }
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
        CatReplay.Result result = CatReplay.replay(bank.engine(), seed, previousTheta, asked, answers, completed);
        if (!result.ok()) {
            throw FhirException.unprocessable(List.of(AdaptiveSession.problem("Step " + result.problem().step() + ": "
                    + result.problem().message(), "QuestionnaireResponse.item")));
        }
        if (!verifies(seals, bank.canonical(), asked)) {
            throw altered("its seal does not match the bank, seed, previous score and items asked");
        }
        return result;
    }
}
