package fi.vointi.adaptive;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.adaptive.BankImporter.BankImportException;
import fi.vointi.adaptive.BankImporter.Request;
import fi.vointi.cat.CatDesign;
import fi.vointi.cat.EstimationMethod;
import fi.vointi.cat.GeneralizedPartialCreditItem;
import fi.vointi.cat.GradedResponseItem;
import fi.vointi.cat.TwoPlItem;
import fi.vointi.catalog.QuestionnaireCatalog;
import io.micronaut.context.ApplicationContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Importing a made-up bank ("garden enthusiasm", invented texts and parameters) from CSV. */
class BankImporterTest {
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String URL = "https://county.example/fhir/Questionnaire/garden-bank";
    static final String SYSTEM = "https://county.example/fhir/CodeSystem/garden-options";

    @TempDir
    Path dir;
    String items;
    String options;
    String texts;

    @BeforeEach
    void readResources() {
        items = resource("items.csv");
        options = resource("options.csv");
        texts = resource("texts.csv");
    }

    static String resource(String name) {
        try (InputStream in = BankImporterTest.class.getClassLoader().getResourceAsStream("adaptive/garden-bank/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request for the CSV texts as they stand now, written to the temp folder. */
    Request request() {
        try {
            Path in = Files.createDirectories(dir.resolve("in"));
            Files.writeString(in.resolve("items.csv"), items);
            Files.writeString(in.resolve("options.csv"), options);
            Files.writeString(in.resolve("texts.csv"), texts);
            return new Request().items(in.resolve("items.csv")).options(in.resolve("options.csv")).texts(in.resolve("texts.csv"))
                    .url(URL).version("2.1.0").name("CountyGardenBank")
                    .title("Puutarhainto (testi)", "Trädgårdsiver (test)", "Garden enthusiasm (test)")
                    .optionSystem(SYSTEM).publisher("Test county");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> problems(Request request) {
        return assertThrows(BankImportException.class, () -> BankImporter.importBank(request)).problems();
    }

    /** Asserts that exactly one problem is reported and that it contains every fragment. */
    void problem(String... fragments) {
        List<String> problems = problems(request());
        assertEquals(1, problems.size(), problems::toString);
        for (String fragment : fragments) {
            assertTrue(problems.get(0).contains(fragment), () -> "'" + fragment + "' in: " + problems.get(0));
        }
    }

    @Test
    void importsTheBankAsAValidAdaptiveQuestionnaire() throws Exception {
        Questionnaire q = BankImporter.importBank(request());
        assertEquals("garden-bank", q.getIdElement().getIdPart());
        assertEquals(PublicationStatus.ACTIVE, q.getStatus());
        assertEquals("Puutarhainto (testi)", q.getTitle());
        assertEquals("Garden enthusiasm (test)", AdaptiveBankTest.translation(q.getTitleElement(), "en"));
        AdaptiveBank bank = AdaptiveBank.read(q);
        assertEquals(URL + "|2.1.0", bank.canonical());
        assertEquals(List.of("GARD01", "GARD02", "GARD03", "GARD04", "GARD05", "GARD06"),
                bank.items().items().stream().map(i -> i.id()).toList());
        GradedResponseItem first = assertInstanceOf(GradedResponseItem.class, bank.items().get("GARD01"));
        assertEquals(1.85, first.slope());
        assertArrayEquals(new double[] {-1.6, -0.55, 0.4, 1.35}, first.thresholds());
        GeneralizedPartialCreditItem gpcm = assertInstanceOf(GeneralizedPartialCreditItem.class, bank.items().get("GARD03"));
        assertArrayEquals(new double[] {-0.9, 0.3, -0.1, 1.2}, gpcm.steps());
        assertEquals(new TwoPlItem("GARD04", 1.3, 0.2), bank.items().get("GARD04"));
        // the importer writes CHOIR's PROMIS CAT (changed in issue 14 from the engine defaults)
        assertEquals(CatDesign.promisCompatible(), bank.design());
        // option sets: the reversed set makes "always" the lowest category of the negatively worded item
        assertEquals(OptionalInt.of(4), bank.category("GARD01", new Coding(SYSTEM, "always", null)));
        assertEquals(OptionalInt.of(0), bank.category("GARD05", new Coding(SYSTEM, "always", null)));
        assertEquals(OptionalInt.of(1), bank.category("GARD04", new Coding(SYSTEM, "yes", null)));
        var option = bank.item("GARD05").orElseThrow().getAnswerOptionFirstRep();
        assertEquals("Aina", option.getValueCoding().getDisplay());
        assertEquals("Alltid", AdaptiveBankTest.translation(option.getValueCoding().getDisplayElement(), "sv"));
        var item = bank.item("GARD02").orElseThrow();
        assertEquals("Suunnittelin uusia istutuksia, vaikka oli talvi.", item.getText());
        assertEquals("I planned new plantings, although it was winter.", AdaptiveBankTest.translation(item.getTextElement(), "en"));
        // valid against FHIR R4 and our profiles, with or without the county's CodeSystem
        assertEquals(List.of(), BankImporter.validate(FHIR, q, List.of()));
        Path terminology = Files.createDirectories(dir.resolve("terminology"));
        Files.writeString(terminology.resolve("garden-options.json"), FHIR.newJsonParser().encodeResourceToString(codeSystem()));
        assertEquals(List.of(), BankImporter.validate(FHIR, q, List.of(terminology)));
    }

    @Test
    void designValuesAndMetadataAreTaken() throws Exception {
        Request request = request().id("garden.v2").status("draft").date("2026-11-25").copyright("Test licence")
                .description("Kuvaus", "Beskrivning", "Description")
                .design("maxItems", "5").design("standardErrorStop", "0.35").design("estimator", "map")
                .design("firstItem", "GARD02").design("quadraturePoints", "41");
        Questionnaire q = BankImporter.importBank(request);
        assertEquals("garden.v2", q.getIdElement().getIdPart());
        assertEquals(PublicationStatus.DRAFT, q.getStatus());
        assertEquals("Test licence", q.getCopyright());
        assertEquals("Description", AdaptiveBankTest.translation(q.getDescriptionElement(), "en"));
        CatDesign design = AdaptiveBank.read(q).design();
        // a theta-unit standardErrorStop replaces the PROMIS score-unit rule; the rest is CHOIR's PROMIS CAT
        assertEquals(CatDesign.promisCompatible().toBuilder().maxItems(5).scoreStandardErrorStop(0).standardErrorStop(0.35)
                .estimator(EstimationMethod.MAP).firstItemId("GARD02").quadrature(-4, 4, 41).build(), design);
        assertEquals(List.of(), BankImporter.validate(FHIR, q, List.of()));
    }

    @Test
    void semicolonsAndDecimalCommasFromASpreadsheetAreRead() throws Exception {
        items = "\uFEFF" + items.replace(",", ";").replaceAll("(-?\\d)\\.(\\d)", "$1,$2");
        options = options.replace(",", ";");
        Questionnaire q = BankImporter.importBank(request());
        assertArrayEquals(new double[] {-1.6, -0.55, 0.4, 1.35},
                ((GradedResponseItem) AdaptiveBank.read(q).items().get("GARD01")).thresholds());
    }

    @Test
    void commandWritesTheBankAndTheServiceLoadsIt() throws Exception {
        Request request = request();
        Path out = dir.resolve("county-questionnaires/garden-bank.json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = BankImporter.run(new String[] {
                "--items", dir.resolve("in/items.csv").toString(), "--options", dir.resolve("in/options.csv").toString(),
                "--texts", dir.resolve("in/texts.csv").toString(), "--url", URL, "--version", "2.1.0",
                "--name", "CountyGardenBank", "--title-fi", "Puutarhainto (testi)", "--title-sv", "Trädgårdsiver (test)",
                "--title-en", "Garden enthusiasm (test)", "--option-system", SYSTEM, "--publisher", "Test county",
                "--max-items", "6", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, stderr.toString(StandardCharsets.UTF_8));
        assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("6 items"), stdout.toString(StandardCharsets.UTF_8));
        Questionnaire written = FHIR.newJsonParser().parseResource(Questionnaire.class, Files.readString(out));
        Questionnaire expected = BankImporter.importBank(request.design("maxItems", "6"));
        assertEquals(BankImporter.encode(FHIR, expected), Files.readString(out), "the file holds the imported bank");
        assertEquals(6, AdaptiveBank.read(written).design().maxItems());

        // the service validates it at start-up and serves it as an item bank
        Map<String, Object> properties = Map.of("vointi.questionnaires.dir", out.getParent().toString());
        ApplicationContext built = ApplicationContext.builder().properties(properties).build();
        try (ApplicationContext context = started(built)) {
            Questionnaire served = context.getBean(QuestionnaireCatalog.class).byId("garden-bank").orElseThrow();
            assertEquals(6, AdaptiveBank.read(served).items().size());
        }
    }

    @Test
    void commandReportsProblemsAndUsage() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, BankImporter.run(new String[] {"--items"}, out, err));
        assertEquals(2, BankImporter.run(new String[] {"--colour", "red", "--out", "x.json"}, out, err));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("unknown option --colour"));
        assertEquals(1, BankImporter.run(new String[] {"--items", dir.resolve("none.csv").toString(), "--out",
                dir.resolve("x.json").toString()}, out, err));
        String messages = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("the url (--url) is required") && messages.contains("--option-system"), messages);
        assertTrue(Files.notExists(dir.resolve("x.json")));
    }

    // ------------------------------------------------------------ problems name file, line and column

    @Test
    void nonNumericSlope() {
        items = items.replace("GARD02,grm,2.2,", "GARD02,grm,abc,");
        problem("items.csv line 3, column slope: 'abc' is not a number");
    }

    @Test
    void slopeNotPositive() {
        items = items.replace("GARD02,grm,2.2,", "GARD02,grm,-2.2,");
        problem("items.csv line 3, column slope", "greater than 0");
    }

    @Test
    void wrongThresholdCount() {
        items = items.replace("GARD06,grm,2.6,-1.3,-0.4,0.5,1.5,", "GARD06,grm,2.6,-1.3,-0.4,0.5,,");
        problem("items.csv line 7", "3 thresholds, but the item has 5 options and needs 4");
    }

    @Test
    void twoPlNeedsOneThresholdAndTwoOptions() {
        items = items.replace("GARD04,2pl,1.3,0.2,,,,yesno", "GARD04,2pl,1.3,0.2,0.4,,,yesno");
        problem("items.csv line 5", "2pl", "2 options and 1 threshold", "2 thresholds");
    }

    @Test
    void grmThresholdsMustIncrease() {
        items = items.replace("GARD01,grm,1.85,-1.6,-0.55,0.4,1.35", "GARD01,grm,1.85,-1.6,0.45,0.4,1.35");
        problem("items.csv line 2, column threshold_3", "strictly increasing");
    }

    @Test
    void thresholdAfterAGap() {
        items = items.replace("GARD01,grm,1.85,-1.6,-0.55,0.4,1.35", "GARD01,grm,1.85,-1.6,,0.4,1.35");
        problem("items.csv line 2, column threshold_3", "after the empty threshold_2");
    }

    @Test
    void unknownModel() {
        items = items.replace("GARD03,gpcm,", "GARD03,rasch,");
        problem("items.csv line 4, column model: 'rasch' is not grm, gpcm or 2pl");
    }

    @Test
    void duplicateItem() {
        items = items.replace("GARD06,", "GARD01,");
        List<String> problems = problems(request());
        assertTrue(problems.get(0).contains("items.csv line 7, column item_id: item 'GARD01' is already defined on line 2"),
                problems::toString);
    }

    @Test
    void unknownOptionSet() {
        items = items.replace("0.9,often5-reversed", "0.9,often4");
        problem("items.csv line 6, column options_id: unknown option set 'often4'");
    }

    @Test
    void missingColumn() {
        items = items.replace("item_id,model,slope,", "item_id,model,discrimination,");
        List<String> problems = problems(request());
        assertTrue(problems.stream().anyMatch(p -> p.equals("items.csv line 1: the header has no column 'slope' (expected"
                + " item_id,model,slope,threshold_1)")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.equals("items.csv line 1: unknown column 'discrimination'")), problems::toString);
    }

    @Test
    void moreCellsThanColumns() {
        items = items.replace("GARD06,grm,2.6,-1.3,-0.4,0.5,1.5,often5", "GARD06,grm,2.6,-1.3,-0.4,0.5,1.5,often5,2.0");
        problem("items.csv line 7: 9 cells but the header has 8 columns");
    }

    @Test
    void trailingDelimitersAndCaseOfHeaderNames() throws Exception {
        items = items.replace("item_id,model,slope", "Item_ID,Model,Slope").replace("\n", ",\n");
        assertEquals(6, BankImporter.importBank(request()).getItem().size());
        items = items.replace("GARD01,grm,1.85,-1.6,-0.55,0.4,1.35,often5,", "GARD01,grm,1.85,-1.6,-0.55,0.4,1.35,often5,x");
        problem("items.csv line 2: 9 cells but the header has 8 columns");
    }

    @Test
    void repeatedColumn() {
        texts = texts.replace("text_en", "TEXT_FI");
        problem("texts.csv line 1: column 'text_fi' appears twice");
    }

    @Test
    void unknownItemInTexts() {
        texts = texts + "GARD99,Tuntematon,Okänd,Unknown\n";
        problem("texts.csv line 8, column item_id: unknown item 'GARD99' (not in items.csv)");
    }

    @Test
    void itemWithoutText() {
        texts = texts.lines().filter(l -> !l.startsWith("GARD03")).reduce("", (a, b) -> a + b + "\n");
        problem("items.csv line 4: item 'GARD03' has no texts in texts.csv");
    }

    @Test
    void emptyFinnishText() {
        texts = texts.replace("GARD03,Kerroin muille kasveistani.", "GARD03,");
        problem("texts.csv line 4, column text_fi: empty");
    }

    @Test
    void nonNumericOrdinal() {
        options = options.replace("often5,often,3,", "often5,often,three,");
        problem("options.csv line 5, column ordinal: 'three' is not a number");
    }

    @Test
    void duplicateOrdinal() {
        options = options.replace("often5,often,3,", "often5,often,2,");
        problem("options.csv line 5, column ordinal", "already used on line 4");
    }

    @Test
    void duplicateOptionCode() {
        options = options.replace("yesno,yes,1,", "yesno,no,1,");
        problem("options.csv line 13, column option_code: option 'no' in option set 'yesno' is already defined on line 12");
    }

    @Test
    void sharedOptionSetWithoutOptionsId() {
        // one shared set: no options_id column anywhere
        options = String.join("\n", options.lines().filter(l -> l.startsWith("options_id") || l.startsWith("often5,"))
                .map(l -> l.substring(l.indexOf(',') + 1)).toList()) + "\n";
        items = String.join("\n", items.lines().filter(l -> !l.contains("GARD04") && !l.contains("GARD05"))
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList()) + "\n";
        texts = String.join("\n", texts.lines().filter(l -> !l.contains("GARD04") && !l.contains("GARD05")).toList()) + "\n";
        assertEquals(4, assertDoesNotThrow().getItem().size());
    }

    private Questionnaire assertDoesNotThrow() {
        try {
            return BankImporter.importBank(request());
        } catch (BankImportException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        items = items.replace("GARD02,grm,2.2,", "GARD02,grm,abc,").replace("GARD03,gpcm,", "GARD03,rasch,");
        texts = texts + "GARD99,Tuntematon,,\n";
        List<String> problems = problems(request());
        assertEquals(3, problems.size(), problems::toString);
        String message = assertThrows(BankImportException.class, () -> BankImporter.importBank(request())).getMessage();
        assertTrue(message.startsWith("3 problem(s) in the item bank:"), message);
    }

    @Test
    void badDesignValues() {
        List<String> problems = problems(request().design("maxItems", "many").design("priorSd", "wide"));
        assertEquals(List.of("--max-items: 'many' is not an integer", "--prior-sd: 'wide' is not a number"), problems);
        problems = problems(request().design("minItems", "9").design("maxItems", "3"));
        assertTrue(problems.get(0).contains("cat-design: maxItems (3) must be >= minItems (9)"), problems::toString);
        problems = problems(request().design("firstItem", "GARD77"));
        assertTrue(problems.get(0).contains("cat-design firstItem 'GARD77'"), problems::toString);
        problems = problems(request().design("selection", "random"));
        assertTrue(problems.get(0).contains("selection 'random'"), problems::toString);
        problems = problems(request().design("previousScorePrior", "maybe").design("enemySet", "GARD01 GARD02"));
        assertEquals(List.of("--previous-score-prior: 'maybe' is not true or false", "unknown design option --enemy-set"),
                problems);
        // the grid check at load: a previous-score prior needs -6..6 with the default clamp 2
        problems = problems(request().design("previousScorePrior", "true"));
        assertTrue(problems.get(0).contains("must cover the prior mean +- 4 prior SD"), problems::toString);
        problems = problems(request().design("quadraturePoints", "9"));
        assertTrue(problems.get(0).contains("it must be at most 0.2"), problems::toString);
        // max-posterior-info (the PROMIS default written out) chooses the first item by prior-weighted information
        problems = problems(request().design("startTheta", "0.5"));
        assertTrue(problems.get(0).contains("startTheta applies to max-info only"), problems::toString);
    }

    @Test
    void newDesignOptionsAreWritten() throws Exception {
        Questionnaire q = BankImporter.importBank(request().design("scoreStandardErrorStop", "2.5")
                .design("scoreDecimals", "0").design("thetaChangeStop", "0.02").design("previousScorePrior", "true")
                .design("previousScoreLimit", "1.5").design("quadratureMin", "-6").design("quadratureMax", "6")
                .design("quadraturePoints", "121"));
        assertEquals(CatDesign.promisCompatible().toBuilder().scoreStandardErrorStop(2.5).scoreDecimals(0)
                .thetaChangeStop(0.02).previousScorePrior(true, 1.5).quadrature(-6, 6, 121).build(),
                AdaptiveBank.read(q).design());
        assertEquals(List.of(), BankImporter.validate(FHIR, q, List.of()));
    }

    @Test
    void missingFileAndArguments() throws Exception {
        List<String> problems = problems(request().url(null).name(" "));
        assertEquals(List.of("the url (--url) is required", "the name (--name) is required"), problems);
        Request request = request();
        Files.delete(dir.resolve("in/texts.csv"));
        problems = problems(request);
        assertTrue(problems.get(0).startsWith("texts.csv: file not found"), problems::toString);
        problems = problems(request().id("no spaces please").status("final").date("25.11.2026"));
        assertEquals(3, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("not a valid FHIR id"), problems::toString);
        assertTrue(problems.get(1).contains("status 'final'"), problems::toString);
        assertTrue(problems.get(2).contains("date '25.11.2026'"), problems::toString);
    }

    /** A context that fails to start is closed too, so that its connection pool does not outlive the test. */
    private static ApplicationContext started(ApplicationContext context) {
        try {
            return context.start();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    static CodeSystem codeSystem() {
        CodeSystem cs = new CodeSystem();
        cs.setId("garden-options");
        cs.setUrl(SYSTEM).setVersion("1").setName("GardenOptions").setStatus(PublicationStatus.ACTIVE)
                .setContent(CodeSystem.CodeSystemContentMode.COMPLETE);
        List<String[]> concepts = new ArrayList<>(List.of(new String[] {"never", "Ei koskaan"}, new String[] {"rarely", "Harvoin"},
                new String[] {"sometimes", "Joskus"}, new String[] {"often", "Usein"}, new String[] {"always", "Aina"},
                new String[] {"no", "Ei"}, new String[] {"yes", "Kyllä"}));
        concepts.forEach(c -> cs.addConcept().setCode(c[0]).setDisplay(c[1]));
        return cs;
    }
}
