package fi.vointi.responses;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * Equality and ordering of answer values, shared by answerOption matching, enableWhen and min/max checks.
 * Values of different kinds are never equal; the only cross-kind comparisons are integer/decimal and date/dateTime.
 */
final class AnswerValues {

    private AnswerValues() {
    }

    /** The JSON element name a value is carried in, e.g. "valueString" for a string. */
    static String elementName(String fhirType) {
        return "value" + Character.toUpperCase(fhirType.charAt(0)) + fhirType.substring(1);
    }

    /** A short rendering of a value for messages. */
    static String describe(Type value) {
        if (value instanceof Coding coding) {
            return coding.hasSystem() ? coding.getSystem() + "|" + coding.getCode() : String.valueOf(coding.getCode());
        }
        if (value instanceof Reference reference) {
            return String.valueOf(reference.getReference());
        }
        if (value instanceof Quantity quantity) {
            String unit = quantity.hasUnit() ? quantity.getUnit() : quantity.getCode();
            return quantity.getValue() + (unit == null ? "" : " " + unit);
        }
        if (value instanceof StringType || value instanceof UriType) {
            return "'" + ((PrimitiveType<?>) value).getValueAsString() + "'";
        }
        if (value instanceof PrimitiveType<?> primitive) {
            return primitive.getValueAsString();
        }
        return value.fhirType();
    }

    static boolean equal(Type a, Type b) {
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Coding codingA && b instanceof Coding codingB) {
            // A missing system only matches a missing system: "a" from one code system is not "a" from another.
            return codingA.hasCode()
                    && Objects.equals(codingA.getCode(), codingB.getCode())
                    && Objects.equals(blankToNull(codingA.getSystem()), blankToNull(codingB.getSystem()));
        }
        if (a instanceof Reference refA && b instanceof Reference refB) {
            return refA.hasReference() && Objects.equals(refA.getReference(), refB.getReference());
        }
        if (a instanceof BooleanType boolA && b instanceof BooleanType boolB) {
            return boolA.hasValue() && Objects.equals(boolA.getValue(), boolB.getValue());
        }
        String textA = text(a);
        String textB = text(b);
        if (textA != null || textB != null) {
            return textA != null && textA.equals(textB);
        }
        return compare(a, b).map(order -> order == 0).orElse(false);
    }

    /**
     * Orders two values: negative when a &lt; b, zero when equal, positive when a &gt; b.
     * Empty when the values are not comparable (different kinds, unordered kinds such as Coding,
     * quantities in different units, or dates that agree up to the coarser of two precisions).
     */
    static Optional<Integer> compare(Type a, Type b) {
        if (a == null || b == null) {
            return Optional.empty();
        }
        BigDecimal numberA = number(a);
        BigDecimal numberB = number(b);
        if (numberA != null && numberB != null) {
            return Optional.of(Integer.signum(numberA.compareTo(numberB)));
        }
        if (a instanceof BaseDateTimeType dateA && b instanceof BaseDateTimeType dateB
                && dateA.getValue() != null && dateB.getValue() != null) {
            return compareDates(dateA, dateB);
        }
        if (a instanceof TimeType timeA && b instanceof TimeType timeB) {
            return compareTimes(timeA, timeB);
        }
        if (a instanceof Quantity quantityA && b instanceof Quantity quantityB
                && quantityA.hasValue() && quantityB.hasValue() && sameUnit(quantityA, quantityB)) {
            return Optional.of(Integer.signum(quantityA.getValue().compareTo(quantityB.getValue())));
        }
        return Optional.empty();
    }

    private static BigDecimal number(Type value) {
        if (value instanceof IntegerType integer && integer.getValue() != null) {
            return BigDecimal.valueOf(integer.getValue());
        }
        if (value instanceof DecimalType decimal) {
            return decimal.getValue();
        }
        return null;
    }

    private static String text(Type value) {
        if (value instanceof StringType || value instanceof UriType) {
            return ((PrimitiveType<?>) value).getValueAsString();
        }
        return null;
    }

    private static Optional<Integer> compareDates(BaseDateTimeType a, BaseDateTimeType b) {
        if (hasTime(a) && hasTime(b)) {
            // Both carry a time and (per FHIR) a zone, so they denote instants.
            return Optional.of(Integer.signum(a.getValue().compareTo(b.getValue())));
        }
        // Compare calendar dates as written ("2024", "2024-05", "2024-05-17"); equal-length ISO prefixes sort correctly.
        String dayA = datePart(a);
        String dayB = datePart(b);
        int common = Math.min(dayA.length(), dayB.length());
        int order = dayA.substring(0, common).compareTo(dayB.substring(0, common));
        if (order != 0) {
            return Optional.of(Integer.signum(order));
        }
        // "2024-05" vs "2024-05-17": neither before, after nor equal.
        return dayA.length() == dayB.length() ? Optional.of(0) : Optional.empty();
    }

    private static boolean hasTime(BaseDateTimeType value) {
        return value.getPrecision().compareTo(TemporalPrecisionEnum.DAY) > 0;
    }

    private static String datePart(BaseDateTimeType value) {
        String written = value.getValueAsString();
        return written.length() > 10 ? written.substring(0, 10) : written;
    }

    private static Optional<Integer> compareTimes(TimeType a, TimeType b) {
        if (a.getValue() == null || b.getValue() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.signum(LocalTime.parse(a.getValue()).compareTo(LocalTime.parse(b.getValue()))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean sameUnit(Quantity a, Quantity b) {
        if (a.hasCode() || b.hasCode()) {
            return Objects.equals(a.getCode(), b.getCode())
                    && Objects.equals(blankToNull(a.getSystem()), blankToNull(b.getSystem()));
        }
        return Objects.equals(blankToNull(a.getUnit()), blankToNull(b.getUnit()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
