package fi.vointi.feedback;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Historical import of a county's earlier feedback (CSV or a FHIR transaction/batch Bundle). Every row becomes an
 * anonymous, completed QuestionnaireResponse with channel {@code import} and its original date as authored, stored
 * through {@link ResponseService} (so validation and the analytics listener apply). All or nothing: any bad row
 * rolls the whole import back, and the answer lists every bad row by number.
 */
@Singleton
class FeedbackImport {
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    /** Columns other than the questionnaire's own items. */
    static final Set<String> FIXED_COLUMNS = Set.of("unit", "date", "audience");

    private final FeedbackService service;
    private final FeedbackSurveys surveys;
    private final FeedbackUnits units;

    FeedbackImport(FeedbackService service, FeedbackSurveys surveys, FeedbackUnits units) {
        this.service = service;
        this.surveys = surveys;
        this.units = units;
    }

    /** One row waiting to be stored, with the number that error messages use. */
    private record Row(String label, String unitId, QuestionnaireResponse response) {
    }

    @Transactional
    List<QuestionnaireResponse> importCsv(Caller caller, String csv) {
        List<Row> rows = new ArrayList<>();
        List<OperationOutcome.OperationOutcomeIssueComponent> problems = new ArrayList<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).build();
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), format)) {
            List<String> header = parser.getHeaderNames();
            for (String required : List.of("unit", "date", "audience")) {
                if (!header.contains(required)) {
                    throw FhirException.badRequest("The CSV header must have the columns unit, date, audience, then the"
                            + " questionnaire's items by linkId (e.g. recommendation, statement.access, open); '" + required + "' is missing");
                }
            }
            for (CSVRecord record : parser) {
                String label = "row " + (record.getRecordNumber() + 1); // the header is row 1
                try {
                    rows.add(fromCsv(record, header, label));
                } catch (FhirException e) {
                    e.outcome().getIssue().forEach(i -> problems.add(prefixed(label, i)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            throw FhirException.badRequest("The CSV cannot be read: " + e.getMessage());
        }
        return store(caller, rows, problems);
    }

    @Transactional
    List<QuestionnaireResponse> importBundle(Caller caller, Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.TRANSACTION && bundle.getType() != Bundle.BundleType.BATCH) {
            throw FhirException.badRequest("Import takes a Bundle of type transaction or batch (both are applied all or nothing)");
        }
        List<Row> rows = new ArrayList<>();
        List<OperationOutcome.OperationOutcomeIssueComponent> problems = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            String label = "entry " + (i + 1);
            if (!(entry.getResource() instanceof QuestionnaireResponse response)) {
                problems.add(issue(label, "must hold a QuestionnaireResponse", "Bundle.entry[" + i + "].resource"));
                continue;
            }
            if (entry.hasRequest() && (entry.getRequest().getMethod() != Bundle.HTTPVerb.POST
                    || !"QuestionnaireResponse".equals(entry.getRequest().getUrl()))) {
                problems.add(issue(label, "request must be POST QuestionnaireResponse", "Bundle.entry[" + i + "].request"));
                continue;
            }
            Extension unit = response.getExtensionByUrl(ResponseService.SERVICE_UNIT_EXTENSION);
            String unitId = unit != null && unit.getValue() instanceof Reference r && r.getReference() != null
                    && r.getReference().startsWith("Organization/") ? r.getReference().substring("Organization/".length()) : null;
            if (unitId == null) {
                problems.add(issue(label, "needs the service-unit extension (Organization/<id>)", "Bundle.entry[" + i + "].resource"));
                continue;
            }
            rows.add(new Row(label, unitId, response));
        }
        return store(caller, rows, problems);
    }

    private List<QuestionnaireResponse> store(Caller caller, List<Row> rows,
                                              List<OperationOutcome.OperationOutcomeIssueComponent> problems) {
        if (rows.isEmpty() && problems.isEmpty()) {
            throw FhirException.badRequest("Nothing to import: no rows");
        }
        Map<String, Boolean> knownUnits = new HashMap<>();
        List<QuestionnaireResponse> stored = new ArrayList<>();
        for (Row row : rows) {
            if (!knownUnits.computeIfAbsent(row.unitId(), id -> units.find(id).isPresent())) {
                problems.add(issue(row.label(), "unit '" + row.unitId() + "' is not known", null));
                continue;
            }
            try {
                stored.add(service.importOne(caller, row.unitId(), row.response()));
            } catch (FhirException e) {
                e.outcome().getIssue().forEach(i -> problems.add(prefixed(row.label(), i)));
            }
        }
        if (!problems.isEmpty()) {
            // the exception rolls back every row already written
            OperationOutcome outcome = new OperationOutcome();
            problems.forEach(outcome::addIssue);
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, outcome);
        }
        return stored;
    }

    private Row fromCsv(CSVRecord record, List<String> header, String label) {
        String unitId = value(record, "unit");
        String date = value(record, "date");
        String audience = value(record, "audience");
        if (unitId == null || date == null || audience == null) {
            throw FhirException.unprocessable(IssueType.REQUIRED, "unit, date and audience are required");
        }
        Questionnaire questionnaire = (FeedbackSurveys.AUDIENCES.contains(audience) ? surveys.forAudience(audience)
                : Optional.<Questionnaire>empty()).orElseThrow(() -> FhirException.unprocessable(IssueType.VALUE,
                "audience must be one of " + String.join(", ", FeedbackSurveys.AUDIENCES) + ", not '" + audience + "'"));
        Map<String, QuestionnaireItemComponent> items = new LinkedHashMap<>();
        index(questionnaire.getItem(), items);
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setQuestionnaire(questionnaire.getUrl() + "|" + questionnaire.getVersion());
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        response.setAuthoredElement(authored(date));
        Map<String, String> answers = new LinkedHashMap<>();
        for (String column : header) {
            if (FIXED_COLUMNS.contains(column)) {
                continue;
            }
            QuestionnaireItemComponent item = items.get(column);
            if (item == null || item.getType() == Questionnaire.QuestionnaireItemType.GROUP) {
                throw FhirException.unprocessable(IssueType.VALUE, "column '" + column + "' is not an item of "
                        + questionnaire.getUrl() + "|" + questionnaire.getVersion() + " (items: "
                        + String.join(", ", items.entrySet().stream().filter(e -> e.getValue().getType()
                        != Questionnaire.QuestionnaireItemType.GROUP).map(Map.Entry::getKey).toList()) + ")");
            }
            String value = value(record, column);
            if (value != null) {
                answers.put(column, value);
            }
        }
        response.setItem(responseItems(questionnaire.getItem(), answers));
        return new Row(label, unitId, response);
    }

    /** A date is the day in Helsinki (stored as its noon, so every zone shows the same day); a dateTime needs its offset. */
    static DateTimeType authored(String text) {
        try {
            if (text.length() == 10) {
                OffsetDateTime noon = LocalDate.parse(text).atTime(LocalTime.NOON).atZone(HELSINKI).toOffsetDateTime();
                DateTimeType value = new DateTimeType(Date.from(noon.toInstant()));
                value.setTimeZone(java.util.TimeZone.getTimeZone(HELSINKI));
                return value;
            }
            OffsetDateTime.parse(text); // the offset is required: a time without one is ambiguous
            return new DateTimeType(text);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw FhirException.unprocessable(IssueType.VALUE, "date '" + text
                    + "' must be YYYY-MM-DD (a day in Helsinki) or a dateTime with offset, e.g. 2024-03-05T14:30:00+02:00");
        }
    }

    private static List<QuestionnaireResponseItemComponent> responseItems(List<QuestionnaireItemComponent> definitions,
                                                                         Map<String, String> answers) {
        List<QuestionnaireResponseItemComponent> result = new ArrayList<>();
        for (QuestionnaireItemComponent definition : definitions) {
            if (definition.getType() == Questionnaire.QuestionnaireItemType.GROUP) {
                List<QuestionnaireResponseItemComponent> children = responseItems(definition.getItem(), answers);
                if (!children.isEmpty()) {
                    result.add(new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId()).setItem(children));
                }
            } else if (answers.containsKey(definition.getLinkId())) {
                QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(definition.getLinkId());
                item.addAnswer().setValue(answerValue(definition, answers.get(definition.getLinkId())));
                result.add(item);
            }
        }
        return result;
    }

    /** A cell is the option's number (integer value, ordinalValue or code), or the text of a text item. */
    private static Type answerValue(QuestionnaireItemComponent definition, String cell) {
        for (QuestionnaireItemAnswerOptionComponent option : definition.getAnswerOption()) {
            Type value = option.getValue();
            boolean matches = fi.vointi.web.QuestionnaireForm.optionValue(option).equals(cell);
            if (!matches && value instanceof Coding) {
                matches = FeedbackAnswers.numericValue(definition, value).map(n -> cell.equals(Long.toString(Math.round(n))))
                        .orElse(false);
            }
            if (matches) {
                return value instanceof Coding c ? new Coding(c.getSystem(), c.getCode(), c.getDisplay()) : value.copy();
            }
        }
        if (definition.getType() == Questionnaire.QuestionnaireItemType.INTEGER
                || definition.getType() == Questionnaire.QuestionnaireItemType.CHOICE) {
            try {
                return new IntegerType(Integer.parseInt(cell));
            } catch (NumberFormatException e) {
                return new StringType(cell);
            }
        }
        return new StringType(cell);
    }

    private static void index(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.put(item.getLinkId(), item);
            index(item.getItem(), into);
        }
    }

    @Nullable
    private static String value(CSVRecord record, String column) {
        String value = record.isMapped(column) && record.isSet(column) ? record.get(column) : null;
        return value == null || value.isBlank() ? null : value;
    }

    private static OperationOutcome.OperationOutcomeIssueComponent prefixed(String label,
                                                                           OperationOutcome.OperationOutcomeIssueComponent issue) {
        String message = label + ": " + issue.getDiagnostics();
        issue.setDiagnostics(message);
        issue.getDetails().setText(message);
        return issue;
    }

    private static OperationOutcome.OperationOutcomeIssueComponent issue(String label, String message, @Nullable String expression) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.INVALID, label + ": " + message, expression);
    }
}
