package fi.vointi.adaptive;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.cat.Answer;
import fi.vointi.cat.CatDesign;
import fi.vointi.cat.CatStep;
import fi.vointi.cat.EstimationMethod;
import fi.vointi.cat.GeneralizedPartialCreditItem;
import fi.vointi.cat.GradedResponseItem;
import fi.vointi.cat.IrtItem;
import fi.vointi.cat.SelectionMethod;
import fi.vointi.cat.TwoPlItem;
import fi.vointi.catalog.ProfileValidator;
import fi.vointi.catalog.QuestionnaireCatalog;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveBankTest {
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String SYSTEM = "https://test.example/fhir/CodeSystem/options";
    static final String DEMO = "questionnaires/demo-everyday-energy-bank.json";
    static final String ENERGY = "https://vointi.fi/fhir/CodeSystem/energy-frequency-5";

    static ProfileValidator validator;

    @BeforeAll
    static void validator() {
        validator = ConformanceResources.validator(FHIR, List.of());
    }

    static Questionnaire demo() {
        try (InputStream in = AdaptiveBankTest.class.getClassLoader().getResourceAsStream(DEMO)) {
            assertTrue(in != null, DEMO + " is on the classpath");
            return FHIR.newJsonParser().parseResource(Questionnaire.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ builders for small banks

    /** A bank with a cat-design (minItems 1) and the given items. */
    static Questionnaire bank(QuestionnaireItemComponent... items) {
        Questionnaire q = new Questionnaire();
        q.setId("test-bank");
        q.getMeta().addProfile(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE);
        q.setUrl("https://test.example/fhir/Questionnaire/test-bank").setVersion("1.0").setName("TestBank")
                .setTitle("Test bank").setStatus(PublicationStatus.ACTIVE);
        q.addExtension().setUrl(AdaptiveBank.CAT_DESIGN).addExtension("minItems", new IntegerType(1));
        for (QuestionnaireItemComponent item : items) {
            q.addItem(item);
        }
        return q;
    }

    static Extension design(Questionnaire q) {
        return q.getExtensionByUrl(AdaptiveBank.CAT_DESIGN);
    }

    /** A choice item with options coded 0..k (ordinal = code) and the irt-item extension. */
    static QuestionnaireItemComponent item(String linkId, String model, double slope, double... thresholds) {
        int options = model.equals("2pl") ? 2 : thresholds.length + 1;
        QuestionnaireItemComponent item = new QuestionnaireItemComponent().setLinkId(linkId).setText("Item " + linkId)
                .setType(QuestionnaireItemType.CHOICE);
        Extension irt = item.addExtension().setUrl(AdaptiveBank.IRT_ITEM);
        irt.addExtension("model", new CodeType(model));
        irt.addExtension("slope", new DecimalType(slope));
        for (double b : thresholds) {
            irt.addExtension("threshold", new DecimalType(b));
        }
        for (int k = 0; k < options; k++) {
            item.addAnswerOption().setValue(new Coding(SYSTEM, Integer.toString(k), "Option " + k))
                    .addExtension(AdaptiveBank.ORDINAL_VALUE, new DecimalType(k));
        }
        return item;
    }

    static QuestionnaireItemComponent grm(String linkId) {
        return item(linkId, "grm", 1.5, -1.0, 0.0, 1.0);
    }

    static String refusal(Questionnaire q) {
        return assertThrows(IllegalArgumentException.class, () -> AdaptiveBank.read(q)).getMessage();
    }

    /** The bank {g1, g2} changed by {@code change}; asserts read refuses it with a message containing every fragment. */
    static void refused(Consumer<Questionnaire> change, String... fragments) {
        Questionnaire q = bank(grm("g1"), grm("g2"));
        change.accept(q);
        String message = refusal(q);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' in: " + message);
        }
    }

    static Extension irt(QuestionnaireItemComponent item) {
        return item.getExtensionByUrl(AdaptiveBank.IRT_ITEM);
    }

    // ------------------------------------------------------------ the demo bank

    @Test
    void demoBankReadsWithItsDesign() {
        Questionnaire q = demo();
        assertTrue(AdaptiveBank.isAdaptive(q));
        AdaptiveBank bank = AdaptiveBank.read(q);
        assertEquals("https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank|1.1.0", bank.canonical());
        assertTrue(bank.items().size() >= 30 && bank.items().size() <= 40, "items: " + bank.items().size());
        assertEquals(q.getItem().stream().map(QuestionnaireItemComponent::getLinkId).toList(),
                bank.items().items().stream().map(IrtItem::id).toList(), "engine items in questionnaire order");
        Set<String> parameters = new HashSet<>();
        for (IrtItem item : bank.items().items()) {
            GradedResponseItem grm = assertInstanceOf(GradedResponseItem.class, item);
            assertEquals(5, grm.categories());
            assertTrue(grm.slope() >= 1.2 && grm.slope() <= 3.2, grm.toString());
            double[] b = grm.thresholds();
            assertTrue(b[0] >= -2.5 && b[3] <= 2.0, grm.toString());
            assertTrue(parameters.add(grm.slope() + java.util.Arrays.toString(b)), "no two items alike: " + grm);
        }
        // the design spells out CHOIR's PROMIS CAT (1.1.0, issue 14; 1.0.0 spelled out the engine defaults)
        CatDesign design = bank.design();
        assertEquals(CatDesign.promisCompatible(), design);
        assertEquals(4, design.minItems());
        assertEquals(12, design.maxItems());
        assertEquals(3.0, design.scoreStandardErrorStop());
        assertEquals(0.0, design.standardErrorStop());
        assertEquals(SelectionMethod.MAX_POSTERIOR_INFO, design.selection());
        assertEquals(EstimationMethod.EAP, design.estimator());
        assertEquals(81, design.quadraturePoints());
        assertEquals(50.0, design.scoreMean());
        assertEquals(1, design.randomesque());
        assertEquals(1, design.scoreDecimals());
        assertEquals(14, design(q).getExtension().size(), "the PROMIS design is spelled out");
        assertTrue(q.getExtensionByUrl(BankImporter.SDC_ADAPTIVE).getValue() instanceof org.hl7.fhir.r4.model.BooleanType b
                && b.booleanValue(), "marked adaptive the SDC way");
    }

    @Test
    void demoBankContentFollowsTheConventions() {
        Questionnaire q = demo();
        assertTrue(q.getTitle().contains("demo") && q.getExperimental());
        assertTrue(q.getDescription().contains("ei validoitu"));
        assertTrue(translation(q.getDescriptionElement(), "en").contains("not a validated instrument; item parameters are"
                + " invented for demonstration"));
        int positive = 0;
        int negative = 0;
        for (QuestionnaireItemComponent item : q.getItem()) {
            assertFalse(item.getRequired());
            assertEquals(QuestionnaireItemType.CHOICE, item.getType());
            assertFalse(translation(item.getTextElement(), "sv").isBlank(), item.getLinkId());
            assertFalse(translation(item.getTextElement(), "en").isBlank(), item.getLinkId());
            assertEquals(5, item.getAnswerOption().size());
            List<String> codes = new ArrayList<>();
            for (var option : item.getAnswerOption()) {
                Coding coding = option.getValueCoding();
                assertEquals(ENERGY, coding.getSystem());
                assertFalse(translation(coding.getDisplayElement(), "sv").isBlank());
                assertFalse(translation(coding.getDisplayElement(), "en").isBlank());
                assertEquals(codes.size(), ((DecimalType) option.getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).getValue())
                        .getValue().intValueExact(), "options listed in ordinal order 0..4");
                codes.add(coding.getCode());
            }
            if (codes.equals(List.of("never", "rarely", "sometimes", "often", "always"))) {
                positive++;
            } else {
                assertEquals(List.of("always", "often", "sometimes", "rarely", "never"), codes, item.getLinkId());
                negative++;
            }
        }
        assertTrue(positive >= 10 && negative >= 10, positive + " positive, " + negative + " negative items");
    }

    @Test
    void demoBankDirectionIsMoreEnergyIsHigherTheta() {
        AdaptiveBank bank = AdaptiveBank.read(demo());
        Questionnaire q = bank.questionnaire();
        QuestionnaireItemComponent positive = q.getItem().get(0); // "I woke up in the morning feeling rested."
        QuestionnaireItemComponent negative = q.getItem().get(1); // "Getting out of bed in the morning felt heavy."
        assertEquals(OptionalInt.of(4), bank.category(positive.getLinkId(), new Coding(ENERGY, "always", null)));
        assertEquals(OptionalInt.of(0), bank.category(negative.getLinkId(), new Coding(ENERGY, "always", null)));
        // "always" to every positive and "never" to every negative item is the most energy the bank can report
        List<Answer> energetic = new ArrayList<>();
        List<Answer> exhausted = new ArrayList<>();
        for (QuestionnaireItemComponent item : q.getItem().subList(0, 8)) {
            boolean positiveItem = item.getAnswerOptionFirstRep().getValueCoding().getCode().equals("never");
            energetic.add(new Answer(item.getLinkId(), bank.category(item.getLinkId(),
                    new Coding(ENERGY, positiveItem ? "always" : "never", null)).getAsInt()));
            exhausted.add(new Answer(item.getLinkId(), bank.category(item.getLinkId(),
                    new Coding(ENERGY, positiveItem ? "never" : "always", null)).getAsInt()));
        }
        assertTrue(bank.engine().estimate(energetic).theta() > 1.5);
        assertTrue(bank.engine().estimate(exhausted).theta() < -1.5);
    }

    @Test
    void demoBankRunsAnAdaptiveTestAndSharesItsEngineAcrossThreads() throws Exception {
        AdaptiveBank bank = AdaptiveBank.read(demo());
        CatStep first = bank.engine().next(List.of());
        assertFalse(first.finished());
        assertTrue(bank.item(first.nextItemId()).isPresent());
        // a respondent who always picks the middle category: the test ends within 4..12 items
        List<Answer> answers = new ArrayList<>();
        CatStep step = first;
        while (!step.finished()) {
            answers.add(new Answer(step.nextItemId(), 2));
            step = bank.engine().next(answers);
        }
        assertTrue(answers.size() >= 4 && answers.size() <= 12, answers.toString());
        CatStep expected = step;
        // the same engine from many threads at once gives the same result
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CatStep>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> bank.engine().next(answers)));
            }
            for (Future<CatStep> result : results) {
                assertEquals(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void demoBankAndProfilesValidate() {
        assertEquals(List.of(), messages(demo()));
    }

    // ------------------------------------------------------------ the rules read enforces

    @Test
    void everyTopLevelItemIsANonGroupChoiceItemWithIrtItem() {
        refused(q -> q.getItem().get(1).setType(QuestionnaireItemType.GROUP).addItem(grm("inner")), "item 'g2'", "group");
        refused(q -> q.getItem().get(1).setType(QuestionnaireItemType.INTEGER), "item 'g2'", "type 'integer'", "choice");
        refused(q -> q.getItem().get(0).getExtension().clear(), "item 'g1'", "no irt-item");
        refused(q -> q.getItem().get(0).addItem(grm("nested")), "item 'g1'", "nested items");
        refused(q -> q.getItem().get(0).setRequired(true), "item 'g1'", "required");
        refused(q -> q.getItem().get(0).setRepeats(true), "item 'g1'", "repeats");
        refused(q -> q.getItem().get(1).setLinkId("g1"), "item 'g1'", "more than one item");
        refused(q -> q.getItem().get(0).addExtension(irt(grm("g1")).copy()), "item 'g1'", "2 irt-item");
        refused(q -> q.getItem().get(0).getAnswerOption().subList(1, 4).clear(), "item 'g1'", "at least 2 answerOptions");
        refused(q -> q.getItem().clear(), "no items");
        refused(q -> q.getExtension().clear(), "no cat-design");
        refused(q -> q.setVersion(null), "url and a version");
    }

    @Test
    void thresholdCountIsOptionsMinusOne() {
        refused(q -> q.getItem().get(1).getAnswerOption().remove(3), "item 'g2'", "3 thresholds", "3 answerOptions",
                "needs 2");
        refused(q -> irt(q.getItem().get(1)).addExtension("threshold", new DecimalType(2.0)), "item 'g2'",
                "4 thresholds", "4 answerOptions", "needs 3");
        refused(q -> irt(q.getItem().get(1)).getExtension().removeIf(e -> e.getUrl().equals("threshold")), "item 'g2'",
                "no threshold");
        // 2pl: exactly two options and one threshold
        Questionnaire threeOptions = bank(grm("g1"), item("d1", "2pl", 1.0, 0.5));
        threeOptions.getItem().get(1).addAnswerOption().setValue(new Coding(SYSTEM, "2", "Option 2"))
                .addExtension(AdaptiveBank.ORDINAL_VALUE, new DecimalType(2));
        String message = refusal(threeOptions);
        assertTrue(message.contains("item 'd1'") && message.contains("2pl") && message.contains("exactly 2 answerOptions"), message);
        Questionnaire twoThresholds = bank(grm("g1"), item("d1", "2pl", 1.0, 0.5, 1.0));
        message = refusal(twoThresholds);
        assertTrue(message.contains("item 'd1'") && message.contains("1 threshold") && message.contains("2 thresholds"), message);
    }

    @Test
    void ordinalValueIsPresentAndDistinctOnEveryOption() {
        refused(q -> q.getItem().get(1).getAnswerOption().get(2).getExtension().clear(), "item 'g2'", "answerOption 3",
                "no ordinalValue");
        refused(q -> q.getItem().get(1).getAnswerOption().get(2).getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE)
                .setValue(new DecimalType(1)), "item 'g2'", "answerOption 3", "same ordinalValue 1", "answerOption 2");
        refused(q -> q.getItem().get(1).getAnswerOption().get(2).getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE)
                .setValue(new StringType("two")), "item 'g2'", "ordinalValue must be a valueDecimal");
        refused(q -> q.getItem().get(1).getAnswerOption().get(2).setValue(new DateType("2026-01-01")), "item 'g2'",
                "answerOption 3", "type date");
        refused(q -> q.getItem().get(1).getAnswerOption().get(2).setValue(new Coding(SYSTEM, "1", "again")), "item 'g2'",
                "answerOption 3 repeats the value of answerOption 2");
    }

    @Test
    void grmThresholdsIncreaseAndSlopesArePositive() {
        refused(q -> irt(q.getItem().get(0)).getExtension().get(3).setValue(new DecimalType(-2.0)), "item 'g1'",
                "strictly increasing", "threshold 2");
        refused(q -> irt(q.getItem().get(0)).getExtension().get(4).setValue(new DecimalType(0.0)), "item 'g1'",
                "strictly increasing", "threshold 3");
        refused(q -> irt(q.getItem().get(0)).getExtension().get(1).setValue(new DecimalType(0)), "item 'g1'",
                "slope must be greater than 0");
        refused(q -> irt(q.getItem().get(0)).getExtension().get(1).setValue(new DecimalType(-1.2)), "item 'g1'",
                "slope must be greater than 0");
        refused(q -> irt(q.getItem().get(0)).getExtension().get(0).setValue(new CodeType("rasch")), "item 'g1'",
                "model 'rasch'");
        refused(q -> irt(q.getItem().get(0)).getExtension().remove(0), "item 'g1'", "no model");
        refused(q -> irt(q.getItem().get(0)).getExtension().remove(1), "item 'g1'", "no slope");
        refused(q -> irt(q.getItem().get(0)).addExtension("treshold", new DecimalType(1)), "item 'g1'",
                "unknown part 'treshold'");
        refused(q -> irt(q.getItem().get(0)).getExtension().get(2).setValue(new StringType("x")), "item 'g1'",
                "threshold 1 must be a valueDecimal");
        // GPCM steps need not be ordered
        AdaptiveBank.read(bank(grm("g1"), item("p1", "gpcm", 1.1, 0.5, -0.5, 1.0)));
    }

    @Test
    void catDesignValuesAreValid() {
        refused(q -> design(q).addExtension("maxItems", new IntegerType(0)), "cat-design", "maxItems (0)", "minItems (1)");
        refused(q -> design(q).getExtension().get(0).setValue(new IntegerType(0)), "cat-design", "minItems must be >= 1");
        refused(q -> design(q).addExtension("quadraturePoints", new IntegerType(1)), "cat-design", "at least 2 points");
        refused(q -> design(q).addExtension("quadratureMin", new DecimalType(5)), "cat-design", "min < max");
        refused(q -> design(q).addExtension("priorSd", new DecimalType(0)), "cat-design", "prior sd");
        refused(q -> design(q).addExtension("scoreSd", new DecimalType(-10)), "cat-design", "score scale");
        refused(q -> design(q).addExtension("randomesque", new IntegerType(0)), "cat-design", "randomesque");
        refused(q -> design(q).addExtension("standardErrorStop", new DecimalType(-0.1)), "cat-design", "standard error");
        refused(q -> design(q).addExtension("selection", new CodeType("random")), "cat-design selection 'random'");
        refused(q -> design(q).addExtension("estimator", new CodeType("mle")), "cat-design estimator 'mle'");
        refused(q -> design(q).addExtension("minItems", new IntegerType(2)), "cat-design gives minItems twice");
        refused(q -> design(q).addExtension("maxitems", new IntegerType(2)), "cat-design", "unknown part 'maxitems'");
        refused(q -> design(q).addExtension("maxItems", new DecimalType(2)), "cat-design maxItems must be a valueInteger");
        refused(q -> design(q).addExtension("firstItem", new StringType("g9")), "cat-design firstItem 'g9'", "linkId");
        refused(q -> q.addExtension(design(q).copy()), "2 cat-design");
    }

    @Test
    void coarseOrNarrowGridsAreRefusedNamingTheBank() {
        // 9 points on -4..4: step 1.0 (a 9-point grid reports SE 0.244 where the true RMSE is 0.33)
        refused(q -> design(q).addExtension("quadraturePoints", new IntegerType(9)),
                "https://test.example/fhir/Questionnaire/test-bank|1.0", "step 1.0", "at most 0.2");
        // 0.2 itself is fine: 41 points on -4..4
        Questionnaire fine = bank(grm("g1"), grm("g2"));
        design(fine).addExtension("quadraturePoints", new IntegerType(41));
        assertEquals(41, AdaptiveBank.read(fine).design().quadraturePoints());
        // prior N(0, 1.2): needs -4.8..4.8
        refused(q -> design(q).addExtension("priorSd", new DecimalType(1.2)), "test-bank|1.0", "-4.8..4.8");
        // prior mean 1: needs -3..5
        refused(q -> design(q).addExtension("priorMean", new DecimalType(1)), "must cover the prior mean", "-3.0..5.0");
        // a previous-score prior may move the mean to +-2: needs -6..6
        refused(q -> design(q).addExtension("previousScorePrior", new BooleanType(true)), "-6.0..6.0");
    }

    @Test
    void contentBalancingEnemiesAndExposureParametersAreRead() {
        Questionnaire q = bank(grm("g1"), grm("g2"), grm("g3"));
        irt(q.getItem().get(0)).addExtension("domain", new CodeType("a"));
        irt(q.getItem().get(1)).addExtension("domain", new CodeType("b"));
        irt(q.getItem().get(2)).addExtension("domain", new CodeType("a"));
        irt(q.getItem().get(1)).addExtension("exposureParameter", new DecimalType(0.4));
        design(q).addExtension("contentTarget", new StringType("a=0.75"));
        design(q).addExtension("contentTarget", new StringType("b=0.25"));
        CatDesign design = AdaptiveBank.read(q).design();
        assertEquals(List.of("a", "b"), List.copyOf(design.contentTargets().keySet()));
        assertEquals(0.25, design.contentTargets().get("b"));
        assertEquals(java.util.Map.of("g1", "a", "g2", "b", "g3", "a"), design.itemDomains());
        assertEquals(java.util.Map.of("g2", 0.4), design.exposureParameters());
        // refused: shares not adding up to 1, a domain without a target, targets without domains, unknown enemies
        refused(b -> {
            irt(b.getItem().get(0)).addExtension("domain", new CodeType("a"));
            irt(b.getItem().get(1)).addExtension("domain", new CodeType("a"));
            design(b).addExtension("contentTarget", new StringType("a=0.5"));
        }, "add up to 1");
        refused(b -> {
            irt(b.getItem().get(0)).addExtension("domain", new CodeType("a"));
            irt(b.getItem().get(1)).addExtension("domain", new CodeType("c"));
            design(b).addExtension("contentTarget", new StringType("a=1"));
        }, "item 'g2' has domain 'c'");
        refused(b -> design(b).addExtension("contentTarget", new StringType("a=1")), "needs a domain on every item");
        refused(b -> design(b).addExtension("enemySet", new StringType("g1 nope")), "'nope' is not the linkId");
        refused(b -> irt(b.getItem().get(0)).addExtension("exposureParameter", new DecimalType(1.5)), "at most 1");
        refused(b -> {
            irt(b.getItem().get(0)).addExtension("exposureParameter", new DecimalType(0.5));
            design(b).addExtension("randomesque", new IntegerType(2));
        }, "choose one exposure control");
    }

    @Test
    void designValuesAreRead() {
        Questionnaire q = bank(grm("g1"), grm("g2"), grm("g3"));
        Extension design = design(q);
        design.addExtension("maxItems", new IntegerType(2));
        design.addExtension("standardErrorStop", new DecimalType(0.25));
        design.addExtension("selection", new CodeType("max-info"));
        design.addExtension("estimator", new CodeType("map"));
        design.addExtension("priorMean", new DecimalType(-0.5));
        design.addExtension("priorSd", new DecimalType(1.1));
        design.addExtension("quadratureMin", new DecimalType(-5));
        design.addExtension("quadratureMax", new DecimalType(5));
        design.addExtension("quadraturePoints", new IntegerType(101));
        design.addExtension("scoreMean", new DecimalType(100));
        design.addExtension("scoreSd", new DecimalType(15));
        design.addExtension("randomesque", new IntegerType(3));
        design.addExtension("firstItem", new StringType("g2"));
        design.addExtension("startTheta", new DecimalType(0.5));
        design.addExtension("scoreDecimals", new IntegerType(1));
        design.addExtension("thetaChangeStop", new DecimalType(0.02));
        design.addExtension("previousScorePrior", new BooleanType(true));
        design.addExtension("previousScoreLimit", new DecimalType(0.5));
        design.addExtension("enemySet", new StringType("g1 g3"));
        design.addExtension("enemySet", new StringType("g2 g3"));
        CatDesign read = AdaptiveBank.read(q).design();
        assertEquals(CatDesign.builder().minItems(1).maxItems(2).standardErrorStop(0.25)
                .selection(SelectionMethod.MAX_INFO).estimator(EstimationMethod.MAP).priorMean(-0.5).priorSd(1.1)
                .quadrature(-5, 5, 101).scoreMean(100).scoreSd(15).randomesque(3).firstItemId("g2").startTheta(0.5)
                .scoreDecimals(1).thetaChangeStop(0.02).previousScorePrior(true, 0.5)
                .enemySets(List.of(Set.of("g1", "g3"), Set.of("g2", "g3"))).build(), read);
        assertEquals("g2", AdaptiveBank.read(q).engine().next(List.of()).nextItemId());
        // an empty design is the defaults except what it gives
        Questionnaire defaults = bank(grm("g1"));
        design(defaults).getExtension().clear();
        design(defaults).addExtension("scoreMean", new DecimalType(50));
        assertEquals(CatDesign.defaults(), AdaptiveBank.read(defaults).design());
    }

    // ------------------------------------------------------------ categories and models

    @Test
    void categoryIsThePositionByOrdinalValue() {
        QuestionnaireItemComponent reversed = grm("r1");
        java.util.Collections.reverse(reversed.getAnswerOption()); // listed 3, 2, 1, 0: categories still by ordinal
        AdaptiveBank bank = AdaptiveBank.read(bank(grm("g1"), reversed));
        for (int k = 0; k < 4; k++) {
            assertEquals(OptionalInt.of(k), bank.category("r1", new Coding(SYSTEM, Integer.toString(k), "any display")));
            assertEquals(OptionalInt.of(k), bank.category("g1", new Coding(SYSTEM, Integer.toString(k), null)));
        }
        // reversed ordinals on a negatively worded item: listed order no longer matters, the ordinal does
        QuestionnaireItemComponent negative = grm("n1");
        for (int k = 0; k < 4; k++) {
            negative.getAnswerOption().get(k).getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).setValue(new DecimalType(3 - k));
        }
        bank = AdaptiveBank.read(bank(negative));
        assertEquals(OptionalInt.of(3), bank.category("n1", new Coding(SYSTEM, "0", null)));
        assertEquals(OptionalInt.of(0), bank.category("n1", new Coding(SYSTEM, "3", null)));
        // system and code must both match; unknown items and values give nothing
        assertEquals(OptionalInt.empty(), bank.category("n1", new Coding("https://other.example", "0", null)));
        assertEquals(OptionalInt.empty(), bank.category("n1", new Coding(null, "0", null)));
        assertEquals(OptionalInt.empty(), bank.category("n1", new Coding(SYSTEM, "9", null)));
        assertEquals(OptionalInt.empty(), bank.category("n1", new IntegerType(0)));
        assertEquals(OptionalInt.empty(), bank.category("nope", new Coding(SYSTEM, "0", null)));
        assertEquals(OptionalInt.empty(), bank.category("n1", null));
        assertTrue(bank.item("n1").isPresent());
        assertTrue(bank.item("nope").isEmpty());
    }

    @Test
    void integerAndStringOptionsMatchTheirOwnType() {
        QuestionnaireItemComponent integers = item("i1", "grm", 1.0, -0.5, 0.5);
        QuestionnaireItemComponent strings = item("s1", "grm", 1.0, -0.5, 0.5);
        int[] values = {10, 30, 20};
        double[] ordinals = {0, 2, 1};
        for (int k = 0; k < 3; k++) {
            integers.getAnswerOption().get(k).setValue(new IntegerType(values[k]))
                    .getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).setValue(new DecimalType(ordinals[k]));
            strings.getAnswerOption().get(k).setValue(new StringType("v" + values[k]))
                    .getExtensionByUrl(AdaptiveBank.ORDINAL_VALUE).setValue(new DecimalType(ordinals[k]));
        }
        AdaptiveBank bank = AdaptiveBank.read(bank(integers, strings));
        assertEquals(OptionalInt.of(0), bank.category("i1", new IntegerType(10)));
        assertEquals(OptionalInt.of(1), bank.category("i1", new IntegerType(20)));
        assertEquals(OptionalInt.of(2), bank.category("i1", new IntegerType(30)));
        assertEquals(OptionalInt.empty(), bank.category("i1", new StringType("10")));
        assertEquals(OptionalInt.of(2), bank.category("s1", new StringType("v30")));
        assertEquals(OptionalInt.empty(), bank.category("s1", new CodeType("v30")));
        assertEquals(OptionalInt.empty(), bank.category("s1", new IntegerType(30)));
    }

    @Test
    void twoPlAndGpcmItemsBecomeTheirEngineClasses() {
        AdaptiveBank bank = AdaptiveBank.read(bank(item("d1", "2pl", 1.7, 0.25), item("p1", "gpcm", 0.9, -1.0, 0.5, 0.2),
                item("g1", "grm", 2.0, -1.0, 1.0)));
        assertEquals(new TwoPlItem("d1", 1.7, 0.25), bank.items().get("d1"));
        GeneralizedPartialCreditItem gpcm = assertInstanceOf(GeneralizedPartialCreditItem.class, bank.items().get("p1"));
        assertEquals(0.9, gpcm.slope());
        assertArrayEquals(new double[] {-1.0, 0.5, 0.2}, gpcm.steps());
        GradedResponseItem grm = assertInstanceOf(GradedResponseItem.class, bank.items().get("g1"));
        assertArrayEquals(new double[] {-1.0, 1.0}, grm.thresholds());
        assertEquals(List.of("d1", "p1", "g1"), bank.items().items().stream().map(IrtItem::id).toList());
        assertEquals(OptionalInt.of(1), bank.category("d1", new Coding(SYSTEM, "1", null)));
        assertFalse(AdaptiveBank.isAdaptive(new Questionnaire()));
        assertEquals(bank.canonical(), "https://test.example/fhir/Questionnaire/test-bank|1.0");
    }

    // ------------------------------------------------------------ the profiles

    @Test
    void smallBanksValidateAgainstTheProfiles() {
        Questionnaire q = bank(grm("g1"), item("d1", "2pl", 1.7, 0.25), item("p1", "gpcm", 0.9, -1.0, 0.5, 0.2));
        design(q).addExtension("selection", new CodeType("max-posterior-info"));
        design(q).addExtension("firstItem", new StringType("d1"));
        assertEquals(List.of(), messages(q));
        // the parts added in issue 14, repeatable ones twice
        Questionnaire options = bank(grm("g1"), grm("g2"), grm("g3"));
        irt(options.getItem().get(0)).addExtension("domain", new CodeType("a"));
        irt(options.getItem().get(1)).addExtension("domain", new CodeType("b"));
        irt(options.getItem().get(2)).addExtension("domain", new CodeType("b"));
        irt(options.getItem().get(2)).addExtension("exposureParameter", new DecimalType(0.5));
        design(options).addExtension("scoreStandardErrorStop", new DecimalType(3));
        design(options).addExtension("scoreDecimals", new IntegerType(1));
        design(options).addExtension("thetaChangeStop", new DecimalType(0.01));
        design(options).addExtension("previousScorePrior", new BooleanType(false));
        design(options).addExtension("previousScoreLimit", new DecimalType(1.5));
        design(options).addExtension("contentTarget", new StringType("a=0.5"));
        design(options).addExtension("contentTarget", new StringType("b=0.5"));
        design(options).addExtension("enemySet", new StringType("g1 g2"));
        design(options).addExtension("enemySet", new StringType("g2 g3"));
        assertEquals(List.of(), messages(options));
        AdaptiveBank.read(options);
    }

    @Test
    void profilesRefuseWhatTheyCanSee() {
        assertInvalid(q -> irt(q.getItem().get(0)).getExtension().get(0).setValue(new CodeType("rasch")), "irt-1");
        assertInvalid(q -> irt(q.getItem().get(0)).getExtension().get(1).setValue(new DecimalType(-1)), "irt-2");
        assertInvalid(q -> irt(q.getItem().get(0)).addExtension("treshold", new DecimalType(1)), "treshold");
        assertInvalid(q -> irt(q.getItem().get(0)).getExtension().get(1).setValue(new StringType("1.5")), "slope");
        assertInvalid(q -> irt(q.getItem().get(0)).getExtension().removeIf(e -> e.getUrl().equals("model")), "model");
        // (a second irt-item on one item is not an error to the validator: an extension definition's own
        // cardinality does not limit how often it is used; AdaptiveBank.read refuses it)
        assertInvalid(q -> design(q).addExtension("selection", new CodeType("random")), "cat-1");
        assertInvalid(q -> design(q).addExtension("estimator", new CodeType("mle")), "cat-2");
        assertInvalid(q -> design(q).addExtension("maxItems", new IntegerType(0)), "cat-3");
        assertInvalid(q -> design(q).addExtension("quadraturePoints", new IntegerType(1)), "cat-4");
        assertInvalid(q -> design(q).addExtension("priorSd", new DecimalType(0)), "cat-5");
        assertInvalid(q -> design(q).addExtension("maxItems", new DecimalType(12)), "allows for the type integer but found type decimal");
        // the extensions only where their context allows
        assertInvalid(q -> q.addExtension(irt(q.getItem().get(0)).copy()), "irt-item");
        assertInvalid(q -> q.getItem().get(0).addExtension(design(q).copy()), "cat-design");
        Extension estimate = new Extension(AdaptiveBank.CAT_ESTIMATE);
        estimate.addExtension("theta", new DecimalType(0.1));
        assertInvalid(q -> q.addExtension(estimate), "cat-estimate");
    }

    @Test
    void catEstimateProfileAcceptsTheEngineStopReasons() {
        for (fi.vointi.cat.StopReason reason : fi.vointi.cat.StopReason.values()) {
            org.hl7.fhir.r4.model.QuestionnaireResponse response = new org.hl7.fhir.r4.model.QuestionnaireResponse();
            response.setStatus(org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
            Extension estimate = response.addExtension().setUrl(AdaptiveBank.CAT_ESTIMATE);
            estimate.addExtension("theta", new DecimalType("0.512345"));
            estimate.addExtension("standardError", new DecimalType("0.291"));
            estimate.addExtension("score", new DecimalType("55.1234"));
            estimate.addExtension("scoreStandardError", new DecimalType("2.91"));
            estimate.addExtension("itemsAdministered", new IntegerType(7));
            estimate.addExtension("stopReason", new CodeType(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
            assertEquals(List.of(), validator.errors(response, List.of()).stream().map(m -> m.getMessage()).toList(), reason.name());
            estimate.getExtension().get(5).setValue(new CodeType("tired"));
            assertTrue(validator.errors(response, List.of()).stream().anyMatch(m -> m.getMessage().contains("est-1")));
        }
    }

    private static void assertInvalid(Consumer<Questionnaire> change, String fragment) {
        Questionnaire q = bank(grm("g1"), grm("g2"));
        assertEquals(List.of(), messages(q));
        change.accept(q);
        List<String> messages = messages(q);
        assertFalse(messages.isEmpty(), "the validator refuses the change expecting '" + fragment + "'");
        assertTrue(messages.stream().anyMatch(m -> m.contains(fragment)), () -> "'" + fragment + "' in " + messages);
    }

    static List<String> messages(Questionnaire q) {
        return validator.errors(q, List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE)).stream()
                .map(m -> m.getLocationString() + ": " + m.getMessage()).collect(Collectors.toList());
    }

    static String translation(org.hl7.fhir.r4.model.Element element, String language) {
        return element.getExtensionsByUrl(BankImporter.TRANSLATION).stream()
                .filter(t -> language.equals(t.getExtensionString("lang"))).map(t -> t.getExtensionString("content"))
                .findFirst().orElse("");
    }
}
