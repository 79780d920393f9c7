package fi.vointi.adaptive;

import fi.vointi.cat.IrtItem;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static fi.vointi.adaptive.BankVariants.part;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 part A over HTTP: the server owns each test's seed (sealed), every $next-question and every store replays
 * the test, abandoned tests give a provisional score, and a bank's respondent type (self / proxy) counts. The banks are
 * copies of the demo bank with other designs, loaded from a county folder written here.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdaptiveAdministrationTest implements TestPropertyProvider {
    static final String NEXT = "/fhir/Questionnaire/$next-question";
    static final String DEMO = "demo-everyday-energy-bank";
    static final String RANDOMESQUE = "test-cat-randomesque";
    static final String POSTERIOR = "test-cat-posterior";
    static final String FIXED_FIRST = "test-cat-fixed-first";
    static final String SELF = "test-cat-self";
    static final String PROXY = "test-cat-proxy";
    /** The fixed first item of FIXED_FIRST: the demo bank's tenth item. */
    static String firstItem;

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    AdaptiveBanks banks;

    FhirTestClient anonymous;
    Tokens tokens;

    @Override
    public Map<String, String> getProperties() {
        BankVariants variants = new BankVariants();
        firstItem = variants.demo().getItem().get(9).getLinkId();
        variants.write(RANDOMESQUE, design -> {
            part(design, "randomesque", new IntegerType(4));
            // plain information at theta 0 ranks the first item (the demo bank itself is posterior-weighted)
            part(design, "selection", new CodeType("max-info"));
        }, null);
        variants.write(POSTERIOR, design -> {
            part(design, "randomesque", new IntegerType(3));
            part(design, "selection", new CodeType("max-posterior-info"));
            part(design, "estimator", new CodeType("map"));
        }, null);
        variants.write(FIXED_FIRST, design -> {
            part(design, "firstItem", new StringType(firstItem));
            part(design, "minItems", new IntegerType(2));
            part(design, "maxItems", new IntegerType(6));
            part(design, "standardErrorStop", new DecimalType(0));
        }, null);
        variants.write(SELF, design -> { }, "self");
        variants.write(PROXY, design -> { }, "proxy");
        return Map.of("vointi.questionnaires.dir", variants.dir());
    }

    @BeforeEach
    void setUp() {
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
    }

    // ---- the server's seed ---------------------------------------------------------------------

    @Test
    void startsWithoutAnIdentifierSpreadTheFirstItemOverTheTopK() {
        AdaptiveBank bank = bank(RANDOMESQUE);
        List<String> topFour = bank.items().items().stream()
                .sorted(Comparator.comparingDouble((IrtItem item) -> -item.information(0.0)))
                .limit(4).map(IrtItem::id).toList();
        Map<String, Integer> counts = new HashMap<>();
        int starts = 200;
        for (int i = 0; i < starts; i++) {
            String first = contained(start(RANDOMESQUE, null)).getItemFirstRep().getLinkId();
            counts.merge(first, 1, Integer::sum);
        }
        assertEquals(Set.copyOf(topFour), counts.keySet(), "every start draws among the 4 most informative items: " + counts);
        double expected = starts / 4.0;
        double chiSquare = counts.values().stream().mapToDouble(n -> (n - expected) * (n - expected) / expected).sum();
        // 3 degrees of freedom: P(chi2 > 16.27) = 0.001 under a uniform draw
        assertTrue(chiSquare < 16.27, "chi-square " + chiSquare + " for " + counts);
    }

    @Test
    void theSameStartTwiceGivesDifferentPathsAndAnIdentifierChoosesNothing() {
        int differing = 0;
        for (int pair = 0; pair < 5; pair++) {
            List<String> a = askedIds(runToEnd(RANDOMESQUE, "same-" + pair));
            List<String> b = askedIds(runToEnd(RANDOMESQUE, "same-" + pair));
            if (!a.equals(b)) {
                differing++;
            }
        }
        // with k = 4 two paths agree by chance with probability well under 1/256
        assertTrue(differing >= 4, differing + " of 5 pairs differed");
    }

    // ---- genuine tests store -------------------------------------------------------------------

    @Test
    void genuineTestsOfEveryDesignAreStoredAndScored() {
        for (String bankId : List.of(DEMO, RANDOMESQUE, POSTERIOR, FIXED_FIRST)) {
            QuestionnaireResponse done = runToEnd(bankId, null);
            if (bankId.equals(FIXED_FIRST)) {
                assertEquals(firstItem, askedIds(done).get(0));
                assertEquals(6, done.getItem().size());
            }
            String patient = "cat-" + UUID.randomUUID();
            Reply created = asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(done, patient));
            assertEquals(201, created.status(), bankId + ": " + created.body());
            QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
            assertEquals(bank(bankId).canonical(), stored.getQuestionnaire());
            assertTrue(stored.hasExtension(CatState.URL), "the stored test keeps its sealed state");
            Bundle observations = asPatient(patient).get("/fhir/Observation?derived-from=QuestionnaireResponse/"
                    + stored.getIdElement().getIdPart()).resource(Bundle.class);
            assertEquals(1, observations.getEntry().size(), bankId);
            assertEquals(Observation.ObservationStatus.FINAL, ((Observation) observations.getEntryFirstRep().getResource()).getStatus());
        }
    }

    @Test
    void anInProgressTestIsStoredAndLaterCompletedThroughTheSameReplay() {
        QuestionnaireResponse response = start(RANDOMESQUE, null);
        for (int i = 0; i < 2; i++) {
            answerLast(response);
            response = next(response);
        }
        String patient = "cat-" + UUID.randomUUID();
        Reply created = asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(response, patient));
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        // the working copy goes on; its end is stored over the draft
        while (response.getStatus() == QuestionnaireResponseStatus.INPROGRESS) {
            answerLast(response);
            response = next(response);
        }
        QuestionnaireResponse done = forPatient(response, patient);
        done.setId(id);
        Reply updated = asPatient(patient).put("/fhir/QuestionnaireResponse/" + id, done);
        assertEquals(200, updated.status(), updated.body());
        assertEquals(QuestionnaireResponseStatus.COMPLETED, updated.resource(QuestionnaireResponse.class).getStatus());
    }

    // ---- departures from the design --------------------------------------------------------------

    @Test
    void aSwappedItemIsRefusedAtNextQuestionAndAtStoreNamingItsStep() {
        QuestionnaireResponse response = start(RANDOMESQUE, null);
        for (int i = 0; i < 3; i++) {
            answerLast(response);
            response = next(response);
        }
        answerLast(response);
        QuestionnaireResponse swapped = response.copy();
        AdaptiveBank bank = bank(RANDOMESQUE);
        String other = bank.items().items().stream().map(IrtItem::id).filter(id -> !askedIds(swapped).contains(id))
                .findFirst().orElseThrow();
        contained(swapped).getItem().set(2, banks.presented(bank, other, null).orElseThrow().copy());
        swapped.getItem().get(2).setLinkId(other).getAnswerFirstRep().setValue(optionOf(bank, other, 2));
        assertTrue(anonymous.post(NEXT, swapped).outcome(422).contains("Step 3"));
        for (QuestionnaireResponseStatus status : List.of(QuestionnaireResponseStatus.INPROGRESS, QuestionnaireResponseStatus.COMPLETED)) {
            String patient = "cat-" + UUID.randomUUID();
            QuestionnaireResponse toStore = forPatient(swapped, patient).setStatus(status);
            assertTrue(asPatient(patient).post("/fhir/QuestionnaireResponse", toStore).outcome(422).contains("Step 3"), status.toCode());
        }
    }

    @Test
    void anOverLongTestIsRefused() {
        QuestionnaireResponse done = runToEnd(FIXED_FIRST, null);
        assertEquals(6, done.getItem().size());
        QuestionnaireResponse longer = withExtraItems(done, FIXED_FIRST, 1);
        String message = anonymous.post(NEXT, longer.copy().setStatus(QuestionnaireResponseStatus.INPROGRESS)).outcome(422);
        assertTrue(message.contains("Step 7") && message.contains("maxItems (6)"), message);
        String patient = "cat-" + UUID.randomUUID();
        assertTrue(asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(longer, patient)).outcome(422)
                .contains("maxItems (6)"));
    }

    @Test
    void answersAfterTheStopAreRefused() {
        QuestionnaireResponse done = runToEnd(DEMO, null);
        int length = done.getItem().size();
        QuestionnaireResponse after = withExtraItems(done, DEMO, 2);
        String message = anonymous.post(NEXT, after.copy().setStatus(QuestionnaireResponseStatus.INPROGRESS)).outcome(422);
        assertTrue(message.contains("Step " + (length + 1)), message);
        String patient = "cat-" + UUID.randomUUID();
        assertTrue(asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(after, patient)).outcome(422)
                .contains("Step " + (length + 1)));
    }

    @Test
    void aClientChosenSequenceIgnoringFirstItemIsRefused() {
        QuestionnaireResponse genuine = start(FIXED_FIRST, null);
        AdaptiveBank bank = bank(FIXED_FIRST);
        QuestionnaireResponse chosen = genuine.copy();
        Questionnaire asked = contained(chosen);
        asked.getItem().clear();
        chosen.getItem().clear();
        bank.items().items().stream().map(IrtItem::id).filter(id -> !id.equals(firstItem)).limit(6).forEach(id -> {
            asked.addItem(banks.presented(bank, id, null).orElseThrow().copy());
            chosen.addItem().setLinkId(id).addAnswer().setValue(optionOf(bank, id, 1));
        });
        String message = anonymous.post(NEXT, chosen).outcome(422);
        assertTrue(message.contains("Step 1") && message.contains(firstItem), message);
        String patient = "cat-" + UUID.randomUUID();
        assertTrue(asPatient(patient).post("/fhir/QuestionnaireResponse",
                forPatient(chosen, patient).setStatus(QuestionnaireResponseStatus.COMPLETED)).outcome(422).contains("Step 1"));

        // without the server's state at all
        QuestionnaireResponse stateless = chosen.copy();
        contained(stateless).getExtension().removeIf(e -> CatState.URL.equals(e.getUrl()));
        assertTrue(anonymous.post(NEXT, stateless).outcome(422).contains("cat-state"));
        // the stored form (the bank's url) with answers but no state
        QuestionnaireResponse storedForm = new QuestionnaireResponse().setStatus(QuestionnaireResponseStatus.COMPLETED)
                .setQuestionnaire(bank.canonical());
        chosen.getItem().forEach(item -> storedForm.addItem(item.copy()));
        String other = "cat-" + UUID.randomUUID();
        assertTrue(asPatient(other).post("/fhir/QuestionnaireResponse", forPatient(storedForm, other)).outcome(422)
                .contains("cat-state"));
    }

    @Test
    void completedBeforeTheStoppingRuleIsRefused() {
        QuestionnaireResponse response = start(DEMO, null);
        for (int i = 0; i < 2; i++) {
            answerLast(response);
            response = next(response);
        }
        answerLast(response);
        QuestionnaireResponse early = response.copy().setStatus(QuestionnaireResponseStatus.COMPLETED);
        anonymous.post(NEXT, early).outcome(422);
        String patient = "cat-" + UUID.randomUUID();
        assertTrue(asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(early, patient)).outcome(422)
                .contains("has not finished"));
    }

    @Test
    void aTamperedSeedOrSealIsRefused() {
        QuestionnaireResponse response = start(RANDOMESQUE, null);
        answerLast(response);
        response = next(response);
        answerLast(response);

        QuestionnaireResponse seed = response.copy();
        Extension seedPart = contained(seed).getExtensionByUrl(CatState.URL).getExtensionByUrl("seed");
        String hex = seedPart.getValue().primitiveValue();
        seedPart.setValue(new StringType((hex.charAt(0) == '0' ? "1" : "0") + hex.substring(1)));
        anonymous.post(NEXT, seed).outcome(422);
        String patient = "cat-" + UUID.randomUUID();
        asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(seed, patient)).outcome(422);

        QuestionnaireResponse seal = response.copy();
        Extension sealPart = contained(seal).getExtensionByUrl(CatState.URL).getExtensionByUrl("seal");
        byte[] bytes = java.util.Base64.getDecoder().decode(sealPart.getValue().primitiveValue());
        bytes[0] ^= 1;
        sealPart.setValue(new org.hl7.fhir.r4.model.Base64BinaryType(bytes));
        assertTrue(anonymous.post(NEXT, seal).outcome(422).contains("altered"));
        assertTrue(asPatient(patient).post("/fhir/QuestionnaireResponse", forPatient(seal, patient)).outcome(422)
                .contains("altered"));
        // the untouched response goes on
        assertEquals(200, anonymous.post(NEXT, response).status());
    }

    // ---- abandoned tests -----------------------------------------------------------------------

    @Test
    void aStoppedTestGetsAProvisionalScoreFromMinItemsOnAndNoneBelow() {
        // FIXED_FIRST: minItems 2
        QuestionnaireResponse response = start(FIXED_FIRST, null);
        answerLast(response);
        response = next(response);
        String few = "cat-" + UUID.randomUUID();
        String fewId = stored(forPatient(response, few).setStatus(QuestionnaireResponseStatus.STOPPED), few);
        assertEquals(0, observations(few, fewId).size(), "1 answer, below minItems: no score");

        for (int i = 0; i < 2; i++) {
            answerLast(response);
            response = next(response);
        }
        String patient = "cat-" + UUID.randomUUID();
        String id = stored(forPatient(response, patient).setStatus(QuestionnaireResponseStatus.STOPPED), patient);
        List<Observation> provisional = observations(patient, id);
        assertEquals(1, provisional.size());
        Observation score = provisional.get(0);
        assertEquals(Observation.ObservationStatus.PRELIMINARY, score.getStatus());
        assertTrue(score.getCode().getText().contains("provisional"), score.getCode().getText());
        assertTrue(score.getNoteFirstRep().getText().contains("stopped after 3 items"), score.getNoteFirstRep().getText());
        String series = asPatient(patient).getJson("/api/patients/" + patient + "/scores?code=" + FIXED_FIRST + ".cat").body();
        assertFalse(series.contains(score.getIdElement().getIdPart()), "never part of a score series: " + series);
    }

    // ---- self and proxy ------------------------------------------------------------------------

    @Test
    void aProxyBankIsAnsweredByTheGuardianNotByThePatientThemself() {
        String child = "cat-child-" + UUID.randomUUID();
        QuestionnaireResponse done = forPatient(runToEnd(PROXY, null), child);
        assertTrue(asPatient(child).post("/fhir/QuestionnaireResponse", done).outcome(422).contains("proxy report"));

        FhirTestClient guardian = anonymous.as(tokens.guardian(child));
        Reply created = guardian.post("/fhir/QuestionnaireResponse", done);
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        assertEquals("#answerer", stored.getAuthor().getReference());
        assertEquals("#answerer", stored.getSource().getReference());
        Observation score = observations(guardian, stored.getIdElement().getIdPart()).get(0);
        assertEquals("RelatedPerson", score.getPerformerFirstRep().getType());
        assertTrue(guardian.getJson("/api/patients/" + child + "/scores?code=" + PROXY + ".cat&reporter=proxy").body()
                .contains(score.getIdElement().getIdPart()));
    }

    @Test
    void aSelfReportBankRecordedInAGuardiansSessionStaysTheChildsSelfReport() {
        String child = "cat-child-" + UUID.randomUUID();
        FhirTestClient guardian = anonymous.as(tokens.guardian(child));
        Reply created = guardian.post("/fhir/QuestionnaireResponse", forPatient(runToEnd(SELF, null), child));
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        assertEquals("#answerer", stored.getAuthor().getReference(), "recorded in the guardian's session");
        assertEquals("Patient/" + child, stored.getSource().getReference(), "answered by the child");
        Observation score = observations(guardian, stored.getIdElement().getIdPart()).get(0);
        assertEquals("Patient/" + child, score.getPerformerFirstRep().getReference());
        assertTrue(guardian.getJson("/api/patients/" + child + "/scores?code=" + SELF + ".cat&reporter=self").body()
                .contains(score.getIdElement().getIdPart()));

        // the patient themself, of course
        Reply own = asPatient(child).post("/fhir/QuestionnaireResponse", forPatient(runToEnd(SELF, null), child));
        assertEquals(201, own.status(), own.body());
        assertEquals("Patient/" + child, own.resource(QuestionnaireResponse.class).getAuthor().getReference());
        // a backend client naming a RelatedPerson as the one who answered a self-report is refused
        QuestionnaireResponse byRelative = forPatient(runToEnd(SELF, null), child);
        byRelative.setSource(new Reference("RelatedPerson/someone"));
        assertTrue(anonymous.as(tokens.system("test-ehr", "system/QuestionnaireResponse.c system/QuestionnaireResponse.r"))
                .post("/fhir/QuestionnaireResponse", byRelative).outcome(422).contains("self-report"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private AdaptiveBank bank(String id) {
        return banks.byId(id).orElseThrow(() -> new AssertionError("no bank " + id));
    }

    private FhirTestClient asPatient(String patient) {
        return anonymous.as(tokens.patient(patient));
    }

    private static QuestionnaireResponse forPatient(QuestionnaireResponse response, String patient) {
        QuestionnaireResponse copy = response.copy();
        copy.setSubject(new Reference("Patient/" + patient));
        return copy;
    }

    private String stored(QuestionnaireResponse response, String patient) {
        Reply created = asPatient(patient).post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        return created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    private List<Observation> observations(String patient, String responseId) {
        return observations(asPatient(patient), responseId);
    }

    private static List<Observation> observations(FhirTestClient client, String responseId) {
        Reply reply = client.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Bundle.class).getEntry().stream().map(e -> (Observation) e.getResource()).toList();
    }

    private QuestionnaireResponse start(String bankId, String identifier) {
        QuestionnaireResponse start = new QuestionnaireResponse();
        start.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        start.setQuestionnaire(bank(bankId).canonical());
        if (identifier != null) {
            start.getIdentifier().setSystem("urn:test").setValue(identifier);
        }
        QuestionnaireResponse first = next(start);
        assertNotNull(contained(first).getExtensionByUrl(CatState.URL), "the server's state travels with the test");
        return first;
    }

    private QuestionnaireResponse next(QuestionnaireResponse response) {
        Reply reply = anonymous.post(NEXT, response);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class);
    }

    private QuestionnaireResponse runToEnd(String bankId, String identifier) {
        QuestionnaireResponse response = start(bankId, identifier);
        while (response.getStatus() == QuestionnaireResponseStatus.INPROGRESS) {
            answerLast(response);
            response = next(response);
            assertTrue(response.getItem().size() <= 12);
        }
        return response;
    }

    /** Answers the newest item with a category that depends on the item only (so equal paths get equal answers). */
    private void answerLast(QuestionnaireResponse response) {
        Questionnaire asked = contained(response);
        String linkId = asked.getItem().get(asked.getItem().size() - 1).getLinkId();
        String bankUrl = asked.getDerivedFrom().get(0).getValue();
        AdaptiveBank bank = banks.resolve(fi.vointi.catalog.CanonicalRef.parse(bankUrl)).orElseThrow();
        response.addItem().setLinkId(linkId).addAnswer().setValue(optionOf(bank, linkId, Math.floorMod(linkId.hashCode(), 5)));
    }

    /** The option of {@code linkId} in category {@code category} (0 = lowest ordinal). */
    private static Type optionOf(AdaptiveBank bank, String linkId, int category) {
        List<Questionnaire.QuestionnaireItemAnswerOptionComponent> options = new ArrayList<>(bank.item(linkId).orElseThrow()
                .getAnswerOption());
        options.sort(Comparator.comparingDouble(o -> ((DecimalType) o.getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).getValue())
                .getValueAsNumber().doubleValue()));
        return options.get(Math.min(category, options.size() - 1)).getValue().copy();
    }

    /** A finished test with {@code extra} more (unused) bank items asked and answered after its end. */
    private QuestionnaireResponse withExtraItems(QuestionnaireResponse done, String bankId, int extra) {
        AdaptiveBank bank = bank(bankId);
        QuestionnaireResponse longer = done.copy();
        Set<String> used = new HashSet<>(askedIds(done));
        bank.items().items().stream().map(IrtItem::id).filter(id -> !used.contains(id)).limit(extra).forEach(id -> {
            contained(longer).addItem(banks.presented(bank, id, null).orElseThrow().copy());
            longer.addItem().setLinkId(id).addAnswer().setValue(optionOf(bank, id, 2));
        });
        return longer;
    }

    private static List<String> askedIds(QuestionnaireResponse response) {
        return contained(response).getItem().stream().map(Questionnaire.QuestionnaireItemComponent::getLinkId)
                .collect(Collectors.toList());
    }

    private static Questionnaire contained(QuestionnaireResponse response) {
        return (Questionnaire) response.getContained().stream().filter(r -> r instanceof Questionnaire).findFirst().orElseThrow();
    }
}
