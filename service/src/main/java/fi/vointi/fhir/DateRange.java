package fi.vointi.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FHIR date search value such as {@code ge2026-11} or {@code lt2026-11-22T10:00:00+02:00}: the prefix
 * and the implicit range [start, end) that the value's precision covers. Values without a time zone
 * are read in the service's zone (Europe/Helsinki by default).
 */
public record DateRange(Prefix prefix, Instant start, Instant end) {

    public enum Prefix { EQ, GT, LT, GE, LE }

    private static final Pattern VALUE = Pattern.compile("^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)$");

    public static DateRange parse(String parameter, String raw, ZoneId zone) {
        Matcher m = VALUE.matcher(raw);
        if (!m.matches()) {
            throw FhirException.badRequest("Parameter '" + parameter + "': empty date value");
        }
        String prefixText = m.group(1) == null ? "eq" : m.group(1);
        Prefix prefix = switch (prefixText) {
            case "eq" -> Prefix.EQ;
            case "gt" -> Prefix.GT;
            case "lt" -> Prefix.LT;
            case "ge" -> Prefix.GE;
            case "le" -> Prefix.LE;
            default -> throw FhirException.notSupported("Parameter '" + parameter + "': prefix '" + prefixText
                    + "' is not supported; use eq, gt, lt, ge or le");
        };
        String value = m.group(2);
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
        } catch (DateTimeParseException e) {
            throw FhirException.badRequest("Parameter '" + parameter + "': '" + value
                    + "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with time zone)");
        }
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
