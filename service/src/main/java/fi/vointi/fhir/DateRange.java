package fi.vointi.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A FHIR date search value such as {@code ge2026-11} or {@code lt2026-11-22T10:00:00+02:00}: the prefix
 * and the implicit range [start, end) that the value's precision covers. Values without a time zone
 * are read in the service's zone (Europe/Helsinki by default).
 */
public record DateRange(Prefix prefix, Instant start, Instant end) {

    public enum Prefix { EQ, GT, LT, GE, LE }

    /**
     * Reads the prefix and value with HAPI's {@link DateParam}; the range is computed here because a value without
     * time zone means the service's zone, not the JVM's.
     */
    public static DateRange parse(String parameter, String raw, ZoneId zone) {
        DateParam param;
        try {
            param = new DateParam(raw);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw notADate(parameter, raw);
        }
        if (param.getValueAsString() == null || param.getValueAsString().isEmpty()) {
            throw FhirException.badRequest("Parameter '" + parameter + "': empty date value");
        }
        ParamPrefixEnum given = param.getPrefix() == null ? ParamPrefixEnum.EQUAL : param.getPrefix();
        Prefix prefix = switch (given) {
            case EQUAL -> Prefix.EQ;
            case GREATERTHAN -> Prefix.GT;
            case LESSTHAN -> Prefix.LT;
            case GREATERTHAN_OR_EQUALS -> Prefix.GE;
            case LESSTHAN_OR_EQUALS -> Prefix.LE;
            default -> throw FhirException.notSupported("Parameter '" + parameter + "': prefix '" + given.getValue()
                    + "' is not supported; use eq, gt, lt, ge or le");
        };
        String value = param.getValueAsString();
        try {
            return switch (value.length()) {
                case 4 -> {
                    LocalDate first = Year.parse(value).atDay(1);
                    yield new DateRange(prefix, first.atStartOfDay(zone).toInstant(), first.plusYears(1).atStartOfDay(zone).toInstant());
                }
                case 7 -> {
                    LocalDate first = YearMonth.parse(value).atDay(1);
                    yield new DateRange(prefix, first.atStartOfDay(zone).toInstant(), first.plusMonths(1).atStartOfDay(zone).toInstant());
                }
                case 10 -> {
                    LocalDate day = LocalDate.parse(value);
                    yield new DateRange(prefix, day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
                }
                default -> dateTime(prefix, value, zone);
            };
        } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw notADate(parameter, value);
        }
    }

    private static FhirException notADate(String parameter, String value) {
        return FhirException.badRequest("Parameter '" + parameter + "': '" + value
                + "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with time zone)");
    }

    /** The SQL condition of this range on a timestamp column, with its bound values. */
    public void addTo(SqlWhere where, String column) {
        java.sql.Timestamp from = java.sql.Timestamp.from(start);
        java.sql.Timestamp to = java.sql.Timestamp.from(end);
        switch (prefix) {
            case EQ -> where.add(column + " >= ? AND " + column + " < ?", from, to);
            case GE -> where.add(column + " >= ?", from);
            case GT -> where.add(column + " >= ?", to);
            case LE -> where.add(column + " < ?", to);
            case LT -> where.add(column + " < ?", from);
        }
    }

    /** Whether {@code instant} matches, exactly as {@link #addTo} selects rows (for searches made in memory). */
    public boolean includes(Instant instant) {
        return switch (prefix) {
            case EQ -> !instant.isBefore(start) && instant.isBefore(end);
            case GE -> !instant.isBefore(start);
            case GT -> !instant.isBefore(end);
            case LE -> instant.isBefore(end);
            case LT -> instant.isBefore(start);
        };
    }

    private static DateRange dateTime(Prefix prefix, String value, ZoneId zone) {
        Instant start;
        boolean hasZone = value.endsWith("Z") || value.matches(".*[+-]\\d{2}:\\d{2}$");
        start = hasZone ? OffsetDateTime.parse(value).toInstant() : LocalDateTime.parse(value).atZone(zone).toInstant();
        String time = value.substring(value.indexOf('T') + 1);
        ChronoUnit precision = time.length() >= 8 && time.charAt(5) == ':'
                ? (time.length() > 8 && time.charAt(8) == '.' ? ChronoUnit.MILLIS : ChronoUnit.SECONDS)
                : ChronoUnit.MINUTES;
        return new DateRange(prefix, start, start.plus(1, precision));
    }
}
