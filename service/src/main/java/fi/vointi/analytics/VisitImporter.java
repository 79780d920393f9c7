package fi.vointi.analytics;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.feedback.PostVisitFeedback;
import fi.vointi.messaging.Addresses;
import fi.vointi.messaging.Templates;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports visit counts (the denominator of the response rate) from CSV with the header
 * {@code unit,period,visits}: period {@code 2026-03-14} for a day or {@code 2026-03} for a calendar month.
 * All or nothing: every row is checked first and any error answers 422 naming the line; a row for a unit
 * and period already stored replaces it. A unit's month is given either per day or as a month, never both.
 *
 * <p>With the optional columns {@code phone} (and {@code language}) the file lists visits: rows of one unit and period
 * add up (their sum replaces the stored count), and a row with a mobile number is one visit of a day that is offered
 * the post-visit feedback SMS exactly as a reported Encounter ({@link PostVisitFeedback#offer}: sampling share, once
 * per person per period, quiet hours, opt-out). The number goes to the outbox only (docs/analytics.md, "Visit import").
 */
@Singleton
public class VisitImporter {
    static final long MAX_VISITS = 10_000_000L;
    static final String PHONE = "phone";
    static final String LANGUAGE = "language";
    private final JdbcOperations jdbc;
    private final PostVisitFeedback postVisit;

    public VisitImporter(JdbcOperations jdbc, PostVisitFeedback postVisit) {
        this.jdbc = jdbc;
        this.postVisit = postVisit;
    }

    /** {@code phone}: normalised (+358…) or null; {@code language}: fi, sv or en. */
    record VisitRow(long line, String unitId, LocalDate start, LocalDate end, long visits, @Nullable String phone, String language) {
        boolean month() {
            return !start.equals(end);
        }
    }

    @Transactional
    public int importCsv(String csv) {
        List<VisitRow> rows = new ArrayList<>();
        List<OperationOutcomeIssueComponent> errors = new ArrayList<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).build();
        boolean visitList;
        try (CSVParser parser = CSVParser.parse(new StringReader(csv == null ? "" : csv), format)) {
            if (!parser.getHeaderNames().containsAll(List.of("unit", "period", "visits"))) {
                throw FhirException.badRequest("The CSV must start with the header line unit,period,visits (was: "
                        + String.join(",", parser.getHeaderNames()) + ")");
            }
            visitList = parser.getHeaderNames().contains(PHONE);
            if (parser.getHeaderNames().contains(LANGUAGE) && !visitList) {
                throw FhirException.badRequest("The column language belongs to visits with a phone: add the column phone");
            }
            int columns = parser.getHeaderNames().size();
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                parse(record, line, columns, errors).ifPresent(rows::add);
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            // Commons CSV reports a broken record (an unterminated quote) as UncheckedIOException while iterating
            throw FhirException.badRequest("The body is not valid CSV: " + rootMessage(e));
        }
        if (rows.isEmpty() && errors.isEmpty()) {
            throw FhirException.badRequest("The CSV has no rows");
        }
        checkUnitsAndOverlaps(rows, visitList, errors);
        if (!errors.isEmpty()) {
            throw FhirException.unprocessable(errors);
        }
        Timestamp now = Timestamp.from(Instant.now());
        for (VisitRow row : sums(rows)) {
            jdbc.prepareStatement("DELETE FROM feedback_visit WHERE unit_id = ? AND period_start = ?", s -> {
                s.setString(1, row.unitId());
                s.setDate(2, Date.valueOf(row.start()));
                return s.executeUpdate();
            });
            jdbc.prepareStatement("INSERT INTO feedback_visit (unit_id, period_start, period_end, visits, imported)"
                    + " VALUES (?, ?, ?, ?, ?)", s -> {
                s.setString(1, row.unitId());
                s.setDate(2, Date.valueOf(row.start()));
                s.setDate(3, Date.valueOf(row.end()));
                s.setLong(4, row.visits());
                s.setTimestamp(5, now);
                return s.executeUpdate();
            });
        }
        postVisit.offer(rows.stream().filter(r -> r.phone() != null)
                .map(r -> new PostVisitFeedback.ImportedVisit(r.unitId(), r.start(), r.phone(), r.language())).toList());
        return rows.size();
    }

    /** One row per unit and period: the visits of a visit list's rows added up (other files have one row each). */
    private static List<VisitRow> sums(List<VisitRow> rows) {
        Map<String, VisitRow> sums = new java.util.LinkedHashMap<>();
        for (VisitRow row : rows) {
            sums.merge(row.unitId() + "|" + row.start(), row, (a, b) -> new VisitRow(a.line(), a.unitId(), a.start(), a.end(),
                    a.visits() + b.visits(), null, a.language()));
        }
        return List.copyOf(sums.values());
    }

    /** The innermost message, without the exception class names Commons CSV wraps around it. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "unreadable" : root.getMessage();
    }

    private static java.util.Optional<VisitRow> parse(CSVRecord record, long line, int columns, List<OperationOutcomeIssueComponent> errors) {
        if (!record.isConsistent()) {
            errors.add(error(line, "expected " + columns + " values (" + String.join(",", record.getParser().getHeaderNames())
                    + "), found " + record.size()));
            return java.util.Optional.empty();
        }
        String unit = record.get("unit");
        String period = record.get("period");
        String visitsText = record.get("visits");
        int before = errors.size();
        if (unit.isEmpty()) {
            errors.add(error(line, "unit is empty"));
        }
        LocalDate start = null;
        LocalDate end = null;
        try {
            if (period.matches("\\d{4}-\\d{2}")) {
                YearMonth month = YearMonth.parse(period);
                start = month.atDay(1);
                end = month.atEndOfMonth();
            } else {
                start = LocalDate.parse(period);
                end = start;
            }
        } catch (DateTimeParseException e) {
            errors.add(error(line, "period '" + period + "' is neither a day (2026-03-14) nor a month (2026-03)"));
        }
        long visits = -1;
        try {
            visits = Long.parseLong(visitsText);
        } catch (NumberFormatException e) {
            // reported below
        }
        if (visits < 0 || visits > MAX_VISITS) {
            errors.add(error(line, "visits '" + visitsText + "' must be a whole number 0.." + MAX_VISITS));
        }
        String phone = null;
        String language = "fi";
        String phoneText = record.isMapped(PHONE) ? record.get(PHONE) : "";
        String languageText = record.isMapped(LANGUAGE) ? record.get(LANGUAGE) : "";
        if (!phoneText.isEmpty()) {
            // one visit of a day: its recency decides whether feedback may still be asked
            phone = Addresses.phone(phoneText);
            if (phone == null) {
                errors.add(error(line, "phone is not a valid mobile number (e.g. +358401234567)"));
            }
            if (start != null && !start.equals(end)) {
                errors.add(error(line, "a row with a phone is one visit: its period must be a day (2026-03-14)"));
            }
            if (visits != 1 && visits >= 0) {
                errors.add(error(line, "a row with a phone is one visit: visits must be 1, not " + visitsText));
            }
            if (!languageText.isEmpty()) {
                language = languageText.toLowerCase(java.util.Locale.ROOT);
                if (!Templates.LANGUAGES.contains(language)) {
                    errors.add(error(line, "language '" + languageText + "' must be fi, sv or en"));
                }
            }
        } else if (!languageText.isEmpty()) {
            errors.add(error(line, "language is only for rows with a phone"));
        }
        return errors.size() == before ? java.util.Optional.of(new VisitRow(line, unit, start, end, visits, phone, language))
                : java.util.Optional.empty();
    }

    /** {@code visitList}: rows of one unit and period add up instead of being refused as given twice. */
    private void checkUnitsAndOverlaps(List<VisitRow> rows, boolean visitList, List<OperationOutcomeIssueComponent> errors) {
        Set<String> known = new HashSet<>();
        Set<String> unknown = new HashSet<>();
        Map<String, VisitRow> seen = new HashMap<>();
        for (VisitRow row : rows) {
            if (!known.contains(row.unitId()) && !unknown.contains(row.unitId())) {
                (exists(row.unitId()) ? known : unknown).add(row.unitId());
            }
            if (unknown.contains(row.unitId())) {
                errors.add(error(row.line(), "unit '" + row.unitId() + "' is not a known organisation unit"));
                continue;
            }
            VisitRow earlier = seen.putIfAbsent(row.unitId() + "|" + row.start(), row);
            if (earlier != null && visitList) {
                continue; // checked with its first row
            }
            if (earlier != null) {
                errors.add(error(row.line(), "unit '" + row.unitId() + "' period " + row.start()
                        + " is already on line " + earlier.line()));
                continue;
            }
            // days and the whole month of one unit would count the same visits twice
            String monthKey = row.unitId() + "|" + YearMonth.from(row.start());
            VisitRow other = seen.get(monthKey + (row.month() ? "|day" : "|month"));
            seen.putIfAbsent(monthKey + (row.month() ? "|month" : "|day"), row);
            if (other != null) {
                errors.add(error(row.line(), "unit '" + row.unitId() + "' has both daily and monthly visits for "
                        + YearMonth.from(row.start()) + " (line " + other.line() + ")"));
            } else if (storedConflict(row)) {
                errors.add(error(row.line(), "unit '" + row.unitId() + "' already has " + (row.month() ? "daily" : "monthly")
                        + " visits stored for " + YearMonth.from(row.start()) + "; give the month one way only"));
            }
        }
    }

    private boolean exists(String unitId) {
        return jdbc.prepareStatement("SELECT 1 FROM organization_unit WHERE id = ?", s -> {
            s.setString(1, unitId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        });
    }

    private boolean storedConflict(VisitRow row) {
        YearMonth month = YearMonth.from(row.start());
        String sql = row.month()
                ? "SELECT 1 FROM feedback_visit WHERE unit_id = ? AND period_start BETWEEN ? AND ? AND period_start = period_end"
                : "SELECT 1 FROM feedback_visit WHERE unit_id = ? AND period_start BETWEEN ? AND ? AND period_start <> period_end";
        return jdbc.prepareStatement(sql, s -> {
            s.setString(1, row.unitId());
            s.setDate(2, Date.valueOf(month.atDay(1)));
            s.setDate(3, Date.valueOf(month.atEndOfMonth()));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        });
    }

    private static OperationOutcomeIssueComponent error(long line, String message) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.INVALID, "line " + line + ": " + message, "line " + line);
    }
}
