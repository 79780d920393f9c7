package fi.vointi.adaptive;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.SingleValidationMessage;
import fi.vointi.cat.CatDesign;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.input.InputLimits;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a county's licensed item bank, delivered as three CSV files, into an adaptive Questionnaire
 * (item bank) in FHIR JSON that the service loads from {@code vointi.questionnaires.dir}.
 *
 * <ul>
 * <li>{@code items.csv}: {@code item_id,model,slope,threshold_1,...,threshold_k} (k may vary per row; empty
 * trailing cells are fine), optionally {@code options_id} naming the item's option set;</li>
 * <li>{@code options.csv}: {@code option_code,ordinal,display_fi,display_sv,display_en}, one shared option
 * set, or several told apart by an {@code options_id} column;</li>
 * <li>{@code texts.csv}: {@code item_id,text_fi,text_sv,text_en}.</li>
 * </ul>
 *
 * Every problem found is reported, each naming the file, the line and the column. The result is read
 * back with {@link AdaptiveBank#read} before it is written, and the command also validates it against
 * FHIR R4 and our profiles. See docs/adaptive.md for the command line.
 */
public final class BankImporter {
    /** The standard SDC extension that marks a Questionnaire as adaptive. */
    public static final String SDC_ADAPTIVE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive";
    static final String TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation";
    private static final Pattern THRESHOLD_COLUMN = Pattern.compile("threshold_(\\d+)");
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Set<String> MODELS = Set.of("grm", "gpcm", "2pl");
    private static final Set<String> INTEGER_DESIGN_PARTS = Set.of("minItems", "maxItems", "quadraturePoints", "randomesque",
            "scoreDecimals");
    private static final Set<String> CODE_DESIGN_PARTS = Set.of("selection", "estimator");

    private BankImporter() {
    }

    /** What to import and the Questionnaire's metadata. Required: the three files, url, version, name, titleFi, optionSystem. */
    public static final class Request {
        private Path items;
        private Path options;
        private Path texts;
        private String url;
        private String version;
        private String name;
        private String id;
        private String titleFi;
        private String titleSv;
        private String titleEn;
        private String descriptionFi;
        private String descriptionSv;
        private String descriptionEn;
        private String publisher;
        private String copyright;
        private String status = "active";
        private String date;
        private String optionSystem;
        private final Map<String, String> design = new LinkedHashMap<>();

        public Request items(Path value) {
            items = value;
            return this;
        }

        public Request options(Path value) {
            options = value;
            return this;
        }

        public Request texts(Path value) {
            texts = value;
            return this;
        }

        public Request url(String value) {
            url = value;
            return this;
        }

        public Request version(String value) {
            version = value;
            return this;
        }

        public Request name(String value) {
            name = value;
            return this;
        }

        /** Resource id; default: the last segment of the url. */
        public Request id(String value) {
            id = value;
            return this;
        }

        public Request title(String fi, String sv, String en) {
            titleFi = fi;
            titleSv = sv;
            titleEn = en;
            return this;
        }

        public Request description(String fi, String sv, String en) {
            descriptionFi = fi;
            descriptionSv = sv;
            descriptionEn = en;
            return this;
        }

        public Request publisher(String value) {
            publisher = value;
            return this;
        }

        /** The licence / copyright statement of the instrument. */
        public Request copyright(String value) {
            copyright = value;
            return this;
        }

        /** draft, active (default) or retired. */
        public Request status(String value) {
            status = value;
            return this;
        }

        /** Publication date (FHIR dateTime); default none. */
        public Request date(String value) {
            date = value;
            return this;
        }

        /** The CodeSystem url of the option codes in options.csv. */
        public Request optionSystem(String value) {
            optionSystem = value;
            return this;
        }

        /**
         * A cat-design value by its part name ({@code minItems}, {@code maxItems}, {@code standardErrorStop},
         * {@code selection}, {@code estimator}, {@code priorMean}, {@code priorSd}, {@code quadratureMin},
         * {@code quadratureMax}, {@code quadraturePoints}, {@code scoreMean}, {@code scoreSd},
         * {@code randomesque}, {@code firstItem}, {@code startTheta}, {@code scoreStandardErrorStop},
         * {@code scoreDecimals}, {@code thetaChangeStop}, {@code previousScorePrior}, {@code previousScoreLimit}); the
         * others are written out as {@link CatDesign#promisCompatible()} (CHOIR's PROMIS CAT). The repeatable parts
         * contentTarget and enemySet are added to the JSON by hand.
         */
        public Request design(String part, String value) {
            design.put(part, value);
            return this;
        }
    }

    /** The input has problems; each names the file, line and column (or the command-line option). */
    public static final class BankImportException extends Exception {
        private final List<String> problems;

        public BankImportException(List<String> problems) {
            super(problems.size() + " problem(s) in the item bank:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    // ---------------------------------------------------------------- import

    private record OptionRow(String code, BigDecimal ordinal, String fi, String sv, String en) {
    }

    /** The option sets by options_id ("" for the one shared set); broken = sets with a problem already reported. */
    private record OptionSets(Map<String, List<OptionRow>> sets, Set<String> broken) {
    }

    private record ItemRow(String id, long line, String model, BigDecimal slope, List<BigDecimal> thresholds, String optionsId) {
    }

    private record TextRow(String fi, String sv, String en) {
    }

    /** One CSV file read with Commons CSV: its name for messages, the header, and the records with their line numbers. */
    private record Table(String file, List<String> header, List<CSVRecord> records, List<Long> lines, char delimiter) {
    }

    /**
     * Builds the item bank.
     *
     * @throws BankImportException listing every problem found
     */
    public static Questionnaire importBank(Request request) throws BankImportException {
        List<String> problems = new ArrayList<>();
        requireArgument(problems, request.items, "items (--items)");
        requireArgument(problems, request.options, "options (--options)");
        requireArgument(problems, request.texts, "texts (--texts)");
        requireArgument(problems, request.url, "url (--url)");
        requireArgument(problems, request.version, "version (--version)");
        requireArgument(problems, request.name, "name (--name)");
        requireArgument(problems, request.titleFi, "Finnish title (--title-fi)");
        requireArgument(problems, request.optionSystem, "option CodeSystem url (--option-system)");
        String id = request.id != null ? request.id
                : request.url == null ? null : request.url.substring(request.url.lastIndexOf('/') + 1);
        if (id != null && !FHIR_ID.matcher(id).matches()) {
            problems.add("id '" + id + "' is not a valid FHIR id (letters, digits, '-' and '.', at most 64); give one with --id");
        }
        PublicationStatus status = switch (request.status == null ? "" : request.status) {
            case "draft" -> PublicationStatus.DRAFT;
            case "active" -> PublicationStatus.ACTIVE;
            case "retired" -> PublicationStatus.RETIRED;
            default -> {
                problems.add("status '" + request.status + "' is not draft, active or retired (--status)");
                yield null;
            }
        };
        if (request.date != null) {
            try {
                new DateTimeType(request.date);
            } catch (ca.uhn.fhir.parser.DataFormatException | IllegalArgumentException e) {
                problems.add("date '" + request.date + "' is not a FHIR date (e.g. 2026-11-25) (--date)");
            }
        }
        if (!problems.isEmpty()) {
            throw new BankImportException(problems);
        }

        Table optionsTable = read(request.options, problems);
        Table itemsTable = read(request.items, problems);
        Table textsTable = read(request.texts, problems);
        if (!problems.isEmpty()) {
            throw new BankImportException(problems);
        }
        OptionSets optionSets = readOptions(optionsTable, problems);
        Set<String> itemIds = new HashSet<>();
        List<ItemRow> items = readItems(itemsTable, optionSets, itemIds, problems);
        Map<String, TextRow> texts = readTexts(textsTable, items, itemIds, itemsTable.file(), problems);
        List<Extension> design = readDesign(request.design, problems);
        if (!problems.isEmpty()) {
            throw new BankImportException(problems);
        }

        Questionnaire q = new Questionnaire();
        q.setId(id);
        q.getMeta().addProfile(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE);
        q.setLanguage("fi");
        q.addExtension(new Extension(SDC_ADAPTIVE, new BooleanType(true)));
        Extension catDesign = q.addExtension().setUrl(AdaptiveBank.CAT_DESIGN);
        design.forEach(catDesign::addExtension);
        q.setUrl(request.url).setVersion(request.version).setName(request.name);
        q.setTitle(request.titleFi);
        translate(q.getTitleElement(), request.titleSv, request.titleEn);
        q.setStatus(status);
        if (request.date != null) {
            q.setDateElement(new DateTimeType(request.date));
        }
        if (request.publisher != null) {
            q.setPublisher(request.publisher);
        }
        if (request.descriptionFi != null) {
            q.setDescription(request.descriptionFi);
            translate(q.getDescriptionElement(), request.descriptionSv, request.descriptionEn);
        }
        if (request.copyright != null) {
            q.setCopyright(request.copyright);
        }
        for (ItemRow row : items) {
            TextRow text = texts.get(row.id());
            QuestionnaireItemComponent item = q.addItem();
            Extension irt = item.addExtension().setUrl(AdaptiveBank.IRT_ITEM);
            irt.addExtension("model", new CodeType(row.model()));
            irt.addExtension("slope", new DecimalType(row.slope()));
            row.thresholds().forEach(b -> irt.addExtension("threshold", new DecimalType(b)));
            item.setLinkId(row.id()).setText(text.fi()).setType(QuestionnaireItemType.CHOICE).setRequired(false);
            translate(item.getTextElement(), text.sv(), text.en());
            for (OptionRow option : optionSets.sets().get(row.optionsId())) {
                Coding coding = new Coding(request.optionSystem, option.code(), option.fi());
                translate(coding.getDisplayElement(), option.sv(), option.en());
                item.addAnswerOption().setValue(coding)
                        .addExtension(AdaptiveBank.ORDINAL_VALUE, new DecimalType(option.ordinal()));
            }
        }
        try {
            AdaptiveBank.read(q);
        } catch (IllegalArgumentException e) {
            throw new BankImportException(List.of("the result is not a usable item bank: " + e.getMessage()));
        }
        return q;
    }

    private static void requireArgument(List<String> problems, Object value, String what) {
        if (value == null || value instanceof String s && s.isBlank()) {
            problems.add("the " + what + " is required");
        }
    }

    private static void translate(PrimitiveType<?> element, String sv, String en) {
        for (String[] translation : new String[][] {{"sv", sv}, {"en", en}}) {
            if (translation[1] != null && !translation[1].isBlank()) {
                Extension extension = element.addExtension().setUrl(TRANSLATION);
                extension.addExtension("lang", new CodeType(translation[0]));
                extension.addExtension("content", new StringType(translation[1]));
            }
        }
    }

    // ---------------------------------------------------------------- CSV files

    private static Table read(Path path, List<String> problems) {
        String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(file + ": file not found (" + path.toAbsolutePath() + ")");
            return null;
        } catch (java.nio.charset.MalformedInputException e) {
            problems.add(file + ": not UTF-8 text; save the CSV as UTF-8");
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // byte order mark written by spreadsheet programs
        }
        int endOfHeader = text.indexOf('\n');
        String firstLine = endOfHeader < 0 ? text : text.substring(0, endOfHeader);
        // Spreadsheets in a Finnish or Swedish locale write ';' between cells and a decimal comma.
        char delimiter = firstLine.indexOf(';') >= 0 && firstLine.indexOf(',') < 0 ? ';' : ',';
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .setTrim(true).setIgnoreEmptyLines(true).setAllowMissingColumnNames(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_EMPTY).build();
        try (CSVParser parser = CSVParser.parse(text, format)) {
            List<CSVRecord> records = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            for (CSVRecord record : parser) {
                records.add(record);
                lines.add(parser.getCurrentLineNumber()); // the line the record ends on
            }
            List<String> header = parser.getHeaderNames().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
            if (header.isEmpty()) {
                problems.add(file + ": the file is empty; line 1 must be the header");
                return null;
            }
            return new Table(file, header, records, lines, delimiter);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            problems.add(file + ": not readable as CSV: " + e.getMessage());
            return null;
        } catch (IOException e) {
            problems.add(file + ": not readable as CSV: " + e.getMessage());
            return null;
        }
    }

    /** Checks the header: the required columns are there and every column is known. */
    private static boolean header(Table table, List<String> required, Set<String> optional, Pattern alsoAllowed,
                                  List<String> problems) {
        int before = problems.size();
        for (String column : required) {
            if (!table.header().contains(column)) {
                problems.add(table.file() + " line 1: the header has no column '" + column + "' (expected "
                        + String.join(",", required) + ")");
            }
        }
        Set<String> seen = new HashSet<>();
        for (String column : table.header()) {
            if (column.isEmpty()) {
                continue; // a trailing delimiter; cells below it must stay empty (see extraCells)
            }
            if (!seen.add(column)) {
                problems.add(table.file() + " line 1: column '" + column + "' appears twice");
            } else if (!required.contains(column) && !optional.contains(column)
                    && (alsoAllowed == null || !alsoAllowed.matcher(column).matches())) {
                problems.add(table.file() + " line 1: unknown column '" + column + "'");
            }
        }
        return problems.size() == before;
    }

    private static String cell(Table table, CSVRecord record, String column) {
        int index = table.header().indexOf(column);
        if (index < 0 || index >= record.size()) {
            return "";
        }
        return record.get(index).trim();
    }

    private static String where(Table table, int row, String column) {
        return table.file() + " line " + table.lines().get(row) + (column == null ? "" : ", column " + column);
    }

    /** Cells beyond the header, or below a column without a name, are refused unless empty (a trailing delimiter). */
    private static boolean extraCells(Table table, int row, List<String> problems) {
        CSVRecord record = table.records().get(row);
        long named = table.header().stream().filter(h -> !h.isEmpty()).count();
        for (int i = 0; i < record.size(); i++) {
            if ((i >= table.header().size() || table.header().get(i).isEmpty()) && !record.get(i).isBlank()) {
                problems.add(where(table, row, null) + ": " + record.size() + " cells but the header has "
                        + named + " columns");
                return true;
            }
        }
        return false;
    }

    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static BigDecimal number(Table table, int row, String column, String text, List<String> problems) {
        String value = table.delimiter() == ';' ? text.replace(',', '.') : text;
        String tooLarge = InputLimits.numberProblem(value);
        if (tooLarge != null) {
            problems.add(where(table, row, column) + ": '" + abbreviated(text) + "' is " + tooLarge);
            return null;
        }
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            problems.add(where(table, row, column) + ": '" + text + "' is not a number");
            return null;
        }
    }

    private static OptionSets readOptions(Table table, List<String> problems) {
        Map<String, List<OptionRow>> sets = new LinkedHashMap<>();
        Set<String> broken = new HashSet<>();
        if (!header(table, List.of("option_code", "ordinal", "display_fi"), Set.of("display_sv", "display_en", "options_id"),
                null, problems)) {
            return new OptionSets(sets, Set.of(""));
        }
        boolean keyed = table.header().contains("options_id");
        Map<String, Map<String, Long>> codeLines = new HashMap<>();
        Map<String, Map<BigDecimal, Long>> ordinalLines = new HashMap<>();
        for (int row = 0; row < table.records().size(); row++) {
            CSVRecord record = table.records().get(row);
            if (extraCells(table, row, problems)) {
                continue;
            }
            String set = keyed ? cell(table, record, "options_id") : "";
            int before = problems.size();
            readOption(table, row, record, set, keyed, codeLines, ordinalLines, sets, problems);
            if (problems.size() > before) {
                broken.add(set);
            }
        }
        if (table.records().isEmpty()) {
            problems.add(table.file() + ": no options below the header");
        }
        for (Map.Entry<String, List<OptionRow>> set : sets.entrySet()) {
            set.getValue().sort(Comparator.comparing(OptionRow::ordinal));
            if (set.getValue().size() < 2 && !broken.contains(set.getKey())) {
                problems.add(table.file() + ": option set" + (keyed ? " '" + set.getKey() + "'" : "")
                        + " has only " + set.getValue().size() + " option; an item needs at least 2");
                broken.add(set.getKey());
            }
        }
        return new OptionSets(sets, broken);
    }

    private static void readOption(Table table, int row, CSVRecord record, String set, boolean keyed,
                                   Map<String, Map<String, Long>> codeLines, Map<String, Map<BigDecimal, Long>> ordinalLines,
                                   Map<String, List<OptionRow>> sets, List<String> problems) {
        if (extraCells(table, row, problems)) {
            return;
        }
        if (keyed && set.isEmpty()) {
            problems.add(where(table, row, "options_id") + ": empty; name the option set of this option");
            return;
        }
        String code = cell(table, record, "option_code");
        String ordinalText = cell(table, record, "ordinal");
        String fi = cell(table, record, "display_fi");
        String setName = keyed ? " in option set '" + set + "'" : "";
        if (code.isEmpty()) {
            problems.add(where(table, row, "option_code") + ": empty");
            return;
        }
        Long previousCode = codeLines.computeIfAbsent(set, s -> new HashMap<>()).putIfAbsent(code, table.lines().get(row));
        if (previousCode != null) {
            problems.add(where(table, row, "option_code") + ": option '" + code + "'" + setName
                    + " is already defined on line " + previousCode);
        }
        BigDecimal ordinal = null;
        if (ordinalText.isEmpty()) {
            problems.add(where(table, row, "ordinal") + ": empty; every option needs its ordinal value");
        } else {
            ordinal = number(table, row, "ordinal", ordinalText, problems);
        }
        if (ordinal != null) {
            Map<BigDecimal, Long> seen = ordinalLines.computeIfAbsent(set, s -> new HashMap<>());
            Long previous = null;
            for (Map.Entry<BigDecimal, Long> used : seen.entrySet()) {
                if (used.getKey().compareTo(ordinal) == 0) {
                    previous = used.getValue();
                }
            }
            if (previous != null) {
                problems.add(where(table, row, "ordinal") + ": ordinal " + ordinalText + setName
                        + " is already used on line " + previous + "; ordinals must be distinct");
            } else {
                seen.put(ordinal, table.lines().get(row));
            }
        }
        if (fi.isEmpty()) {
            problems.add(where(table, row, "display_fi") + ": empty; every option needs a Finnish display");
        }
        if (ordinal != null && !fi.isEmpty()) {
            sets.computeIfAbsent(set, s -> new ArrayList<>()).add(new OptionRow(code, ordinal, fi,
                    cell(table, record, "display_sv"), cell(table, record, "display_en")));
        }
    }

    /** The items that passed every check; {@code idsOut} receives every item id in the file, also of rejected rows. */
    private static List<ItemRow> readItems(Table table, OptionSets sets, Set<String> idsOut, List<String> problems) {
        Map<String, List<OptionRow>> optionSets = sets.sets();
        List<ItemRow> items = new ArrayList<>();
        if (!header(table, List.of("item_id", "model", "slope", "threshold_1"), Set.of("options_id"), THRESHOLD_COLUMN,
                problems)) {
            return items;
        }
        List<String> thresholdColumns = new ArrayList<>();
        for (int k = 1; table.header().contains("threshold_" + k); k++) {
            thresholdColumns.add("threshold_" + k);
        }
        for (String column : table.header()) {
            if (THRESHOLD_COLUMN.matcher(column).matches() && !thresholdColumns.contains(column)) {
                problems.add(table.file() + " line 1: column '" + column + "' does not continue threshold_1.."
                        + "threshold_" + thresholdColumns.size() + " without a gap");
            }
        }
        boolean keyed = table.header().contains("options_id");
        Map<String, Long> idLines = new HashMap<>();
        for (int row = 0; row < table.records().size(); row++) {
            CSVRecord record = table.records().get(row);
            String id = cell(table, record, "item_id");
            idsOut.add(id);
            if (extraCells(table, row, problems)) {
                continue;
            }
            int before = problems.size();
            if (id.isEmpty()) {
                problems.add(where(table, row, "item_id") + ": empty");
                continue;
            }
            Long previous = idLines.putIfAbsent(id, table.lines().get(row));
            if (previous != null) {
                problems.add(where(table, row, "item_id") + ": item '" + id + "' is already defined on line " + previous);
                continue;
            }
            String model = cell(table, record, "model").toLowerCase(Locale.ROOT);
            if (!MODELS.contains(model)) {
                problems.add(where(table, row, "model") + ": '" + cell(table, record, "model")
                        + "' is not grm, gpcm or 2pl");
            }
            String slopeText = cell(table, record, "slope");
            BigDecimal slope = null;
            if (slopeText.isEmpty()) {
                problems.add(where(table, row, "slope") + ": empty");
            } else {
                slope = number(table, row, "slope", slopeText, problems);
                if (slope != null && slope.signum() <= 0) {
                    problems.add(where(table, row, "slope") + ": the slope must be greater than 0, was " + slopeText);
                }
            }
            List<BigDecimal> thresholds = new ArrayList<>();
            String firstEmpty = null;
            for (String column : thresholdColumns) {
                String text = cell(table, record, column);
                if (text.isEmpty()) {
                    firstEmpty = firstEmpty == null ? column : firstEmpty;
                    continue;
                }
                if (firstEmpty != null) {
                    problems.add(where(table, row, column) + ": a threshold after the empty " + firstEmpty
                            + "; thresholds must be consecutive from threshold_1");
                    break;
                }
                BigDecimal value = number(table, row, column, text, problems);
                if (value != null) {
                    if (model.equals("grm") && !thresholds.isEmpty() && value.compareTo(thresholds.get(thresholds.size() - 1)) <= 0) {
                        problems.add(where(table, row, column) + ": grm thresholds must be strictly increasing, but "
                                + text + " is not above the previous threshold "
                                + thresholds.get(thresholds.size() - 1).toPlainString());
                    }
                    thresholds.add(value);
                }
            }
            if (thresholds.isEmpty() && problems.size() == before) {
                problems.add(where(table, row, "threshold_1") + ": empty; an item needs at least one threshold");
            }
            String optionsId = keyed ? cell(table, record, "options_id") : "";
            if (optionsId.isEmpty() && optionSets.size() == 1) {
                optionsId = optionSets.keySet().iterator().next();
            }
            List<OptionRow> options = sets.broken().contains(optionsId) ? null : optionSets.get(optionsId);
            if (options == null && !optionSets.isEmpty() && !sets.broken().contains(optionsId)) {
                // (a broken set: options.csv's problems are reported already)
                if (optionsId.isEmpty()) {
                    problems.add(where(table, row, "options_id") + ": options.csv has several option sets " + optionSets.keySet()
                            + "; name this item's set");
                } else {
                    problems.add(where(table, row, "options_id") + ": unknown option set '" + optionsId + "' (options.csv has "
                            + optionSets.keySet() + ")");
                }
            } else if (options != null && problems.size() == before) {
                if (model.equals("2pl")) {
                    if (options.size() != 2 || thresholds.size() != 1) {
                        problems.add(where(table, row, "threshold_1") + ": a 2pl item needs exactly 2 options and 1 threshold"
                                + " (its difficulty), but has " + options.size() + " options and " + thresholds.size()
                                + " thresholds");
                    }
                } else if (thresholds.size() != options.size() - 1) {
                    problems.add(where(table, row, "threshold_" + Math.max(1, thresholds.size())) + ": " + thresholds.size()
                            + " thresholds, but the item has " + options.size() + " options and needs "
                            + (options.size() - 1) + " (one fewer than the options)");
                }
            }
            if (problems.size() == before) {
                items.add(new ItemRow(id, table.lines().get(row), model, slope, thresholds, optionsId));
            }
        }
        if (table.records().isEmpty()) {
            problems.add(table.file() + ": no items below the header");
        }
        return items;
    }

    private static Map<String, TextRow> readTexts(Table table, List<ItemRow> items, Set<String> itemIds, String itemsFile,
                                                 List<String> problems) {
        Map<String, TextRow> texts = new HashMap<>();
        if (!header(table, List.of("item_id", "text_fi"), Set.of("text_sv", "text_en"), null, problems)) {
            return texts;
        }
        Map<String, Long> lines = new HashMap<>();
        for (int row = 0; row < table.records().size(); row++) {
            CSVRecord record = table.records().get(row);
            if (extraCells(table, row, problems)) {
                continue;
            }
            String id = cell(table, record, "item_id");
            if (id.isEmpty()) {
                problems.add(where(table, row, "item_id") + ": empty");
                continue;
            }
            if (!itemIds.contains(id)) {
                problems.add(where(table, row, "item_id") + ": unknown item '" + id + "' (not in " + itemsFile + ")");
                continue;
            }
            Long previous = lines.putIfAbsent(id, table.lines().get(row));
            if (previous != null) {
                problems.add(where(table, row, "item_id") + ": item '" + id + "' already has its texts on line " + previous);
                continue;
            }
            String fi = cell(table, record, "text_fi");
            if (fi.isEmpty()) {
                problems.add(where(table, row, "text_fi") + ": empty; every item needs its Finnish text");
                continue;
            }
            texts.put(id, new TextRow(fi, cell(table, record, "text_sv"), cell(table, record, "text_en")));
        }
        for (ItemRow item : items) {
            if (!lines.containsKey(item.id())) {
                problems.add(itemsFile + " line " + item.line() + ": item '" + item.id() + "' has no texts in " + table.file());
            }
        }
        return texts;
    }

    private static List<Extension> readDesign(Map<String, String> values, List<String> problems) {
        Map<String, Type> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String part = entry.getKey();
            String text = entry.getValue() == null ? "" : entry.getValue().trim();
            String option = "--" + part.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            if (!AdaptiveBank.DESIGN_PARTS.contains(part) || AdaptiveBank.REPEATED_DESIGN_PARTS.contains(part)) {
                problems.add("unknown design option " + option);
                continue;
            }
            try {
                if (part.equals("previousScorePrior")) {
                    if (!text.equals("true") && !text.equals("false")) {
                        throw new NumberFormatException();
                    }
                    parsed.put(part, new org.hl7.fhir.r4.model.BooleanType(Boolean.parseBoolean(text)));
                } else if (INTEGER_DESIGN_PARTS.contains(part)) {
                    parsed.put(part, new IntegerType(Integer.parseInt(text)));
                } else if (CODE_DESIGN_PARTS.contains(part)) {
                    if (text.isEmpty()) {
                        throw new NumberFormatException();
                    }
                    parsed.put(part, new CodeType(text));
                } else if (part.equals("firstItem")) {
                    if (text.isEmpty()) {
                        throw new NumberFormatException();
                    }
                    parsed.put(part, new StringType(text));
                } else {
                    if (InputLimits.numberProblem(text) != null) {
                        throw new NumberFormatException(); // the same number form as every JSON body
                    }
                    parsed.put(part, new DecimalType(new BigDecimal(text)));
                }
            } catch (NumberFormatException e) {
                problems.add(option + ": '" + text + "' is not " + (INTEGER_DESIGN_PARTS.contains(part) ? "an integer"
                        : part.equals("previousScorePrior") ? "true or false"
                        : CODE_DESIGN_PARTS.contains(part) || part.equals("firstItem") ? "a value" : "a number"));
            }
        }
        // CHOIR's PROMIS CAT spelled out, so that the file states its whole design; given values replace them.
        Map<String, Type> design = new LinkedHashMap<>();
        CatDesign defaults = CatDesign.promisCompatible();
        design.put("minItems", new IntegerType(defaults.minItems()));
        design.put("maxItems", new IntegerType(defaults.maxItems()));
        design.put("selection", new CodeType(defaults.selection().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        design.put("estimator", new CodeType(defaults.estimator().name().toLowerCase(Locale.ROOT)));
        design.put("priorMean", decimal(defaults.priorMean()));
        design.put("priorSd", decimal(defaults.priorSd()));
        design.put("quadratureMin", decimal(defaults.quadratureMin()));
        design.put("quadratureMax", decimal(defaults.quadratureMax()));
        design.put("quadraturePoints", new IntegerType(defaults.quadraturePoints()));
        design.put("scoreMean", decimal(defaults.scoreMean()));
        design.put("scoreSd", decimal(defaults.scoreSd()));
        design.put("randomesque", new IntegerType(defaults.randomesque()));
        design.put("firstItem", null);
        if (!parsed.containsKey("standardErrorStop")) {
            design.put("scoreStandardErrorStop", decimal(defaults.scoreStandardErrorStop()));
        }
        design.put("scoreDecimals", new IntegerType(defaults.scoreDecimals()));
        design.putAll(parsed);
        List<Extension> parts = new ArrayList<>();
        for (String part : AdaptiveBank.DESIGN_PARTS) {
            if (design.get(part) != null) {
                parts.add(new Extension(part, design.get(part)));
            }
        }
        return parts;
    }

    /** A default as a short decimal: 0.3, 0, 50 (not 0.30, 0.0, 5E+1). */
    private static DecimalType decimal(double value) {
        BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
        return new DecimalType(decimal.scale() < 0 ? decimal.setScale(0) : decimal);
    }

    // ---------------------------------------------------------------- output and validation

    /** Pretty-printed FHIR JSON. */
    public static String encode(FhirContext context, Questionnaire questionnaire) {
        return context.newJsonParser().setPrettyPrint(true).encodeResourceToString(questionnaire) + "\n";
    }

    /**
     * Validates like the service does at start-up: FHIR R4 plus our profiles (from the classpath) and the
     * conformance resources in {@code conformanceFolders} (e.g. the county's CodeSystem of the options).
     *
     * @return the errors, as "location: message"; empty when valid
     */
    public static List<String> validate(FhirContext context, Questionnaire questionnaire, List<Path> conformanceFolders) {
        List<SingleValidationMessage> errors = ConformanceResources.validator(context, conformanceFolders)
                .errors(questionnaire, List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE));
        return errors.stream().map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
    }

    // ---------------------------------------------------------------- command line

    private static final String USAGE = """
            Usage: java -cp vointi-service.jar fi.vointi.adaptive.BankImporter \\
                     --items items.csv --options options.csv --texts texts.csv \\
                     --url URL --version VERSION --name NAME --title-fi TITLE [--title-sv TITLE] [--title-en TITLE] \\
                     --option-system CODESYSTEM-URL --out bank.json
            Optional: --id ID  --status draft|active|retired  --date DATE  --publisher TEXT  --copyright TEXT
                      --description-fi/-sv/-en TEXT  --conformance FOLDER (repeatable: CodeSystems/ValueSets to validate with)
                      --no-validate
            Design (default: CHOIR's PROMIS CAT, see docs/adaptive.md): --min-items N --max-items N
                      --standard-error-stop X | --score-standard-error-stop X  --score-decimals N
                      --selection max-info|max-posterior-info --estimator eap|map --prior-mean X --prior-sd X
                      --quadrature-min X --quadrature-max X --quadrature-points N --score-mean X --score-sd X
                      --randomesque N --first-item LINKID --start-theta X (max-info only) --theta-change-stop X
                      --previous-score-prior true|false --previous-score-limit X
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command: 0 = written, 1 = problems in the input or the result, 2 = wrong command line. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Request request = new Request();
        Path output = null;
        boolean validate = true;
        List<Path> conformance = new ArrayList<>();
        String titleSv = null;
        String titleEn = null;
        String titleFi = null;
        String[] description = new String[3];
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (flag.equals("--no-validate")) {
                validate = false;
                continue;
            }
            if (!flag.startsWith("--") || i + 1 >= args.length) {
                err.println(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
                err.print(USAGE);
                return 2;
            }
            String value = args[++i];
            switch (flag) {
                case "--items" -> request.items(Path.of(value));
                case "--options" -> request.options(Path.of(value));
                case "--texts" -> request.texts(Path.of(value));
                case "--url" -> request.url(value);
                case "--version" -> request.version(value);
                case "--name" -> request.name(value);
                case "--id" -> request.id(value);
                case "--title-fi" -> titleFi = value;
                case "--title-sv" -> titleSv = value;
                case "--title-en" -> titleEn = value;
                case "--description-fi" -> description[0] = value;
                case "--description-sv" -> description[1] = value;
                case "--description-en" -> description[2] = value;
                case "--publisher" -> request.publisher(value);
                case "--copyright" -> request.copyright(value);
                case "--status" -> request.status(value);
                case "--date" -> request.date(value);
                case "--option-system" -> request.optionSystem(value);
                case "--conformance" -> conformance.add(Path.of(value));
                case "--out" -> output = Path.of(value);
                default -> {
                    String part = kebabToCamel(flag.substring(2));
                    if (!AdaptiveBank.DESIGN_PARTS.contains(part) || AdaptiveBank.REPEATED_DESIGN_PARTS.contains(part)) {
                        err.println("unknown option " + flag);
                        err.print(USAGE);
                        return 2;
                    }
                    request.design(part, value);
                }
            }
        }
        request.title(titleFi, titleSv, titleEn);
        if (description[0] != null || description[1] != null || description[2] != null) {
            request.description(description[0], description[1], description[2]);
        }
        if (output == null) {
            err.println("--out is required");
            err.print(USAGE);
            return 2;
        }
        Questionnaire questionnaire;
        try {
            questionnaire = importBank(request);
        } catch (BankImportException e) {
            err.println(e.getMessage());
            return 1;
        }
        FhirContext context = FhirContext.forR4Cached();
        if (validate) {
            List<String> errors = validate(context, questionnaire, conformance);
            if (!errors.isEmpty()) {
                err.println("the result does not validate against FHIR R4 and the Vointi profiles:\n  - "
                        + String.join("\n  - ", errors));
                return 1;
            }
        }
        try {
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            Files.writeString(output, encode(context, questionnaire), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot write " + output + ": " + e.getMessage());
            return 1;
        }
        out.println("wrote " + output + ": item bank " + questionnaire.getUrl() + "|" + questionnaire.getVersion() + " with "
                + questionnaire.getItem().size() + " items" + (validate ? ", valid against FHIR R4 and the Vointi profiles" : ""));
        return 0;
    }

    private static String kebabToCamel(String kebab) {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }
}
