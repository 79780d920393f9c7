package fi.vointi.web.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * How the annual report prints the analytics figures and draws its bars. The figures themselves are those of the
 * analytics API (already rounded to two decimals there); this only formats them for a language and derives the
 * year-over-year difference and the bar lengths. Pure logic.
 */
public final class ReportNumbers {
    private ReportNumbers() {
    }

    /** A figure as the language writes it: 33,33 in Finnish and Swedish, 33.33 in English; at most two decimals. */
    public static String decimal(double value, String lang) {
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(Locale.forLanguageTag(lang));
        // an ASCII minus sign: the one every reader, screen reader and copy-paste into a spreadsheet understands
        symbols.setMinusSign('-');
        DecimalFormat format = new DecimalFormat("0.##", symbols);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(value);
    }

    /** A change with its sign: +3,5 / -2 / ±0. */
    public static String signed(double value, String lang) {
        if (value == 0) {
            return "±0";
        }
        return (value > 0 ? "+" : "") + decimal(value, lang);
    }

    /** This year minus last year, two decimals half away from zero like the API's figures; null when either is missing. */
    public static Double change(Double thisYear, Double lastYear) {
        if (thisYear == null || lastYear == null) {
            return null;
        }
        return BigDecimal.valueOf(thisYear).subtract(BigDecimal.valueOf(lastYear)).setScale(2, RoundingMode.HALF_UP)
                .doubleValue();
    }

    /** A part of a whole in percent, two decimals half away from zero; null when the whole is 0. */
    public static Double percent(long part, long whole) {
        if (whole <= 0) {
            return null;
        }
        return BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP).doubleValue();
    }

    /**
     * The length of a bar in whole percent of its track (0…100), for the style sheet's {@code w0} … {@code w100}:
     * a value above 0 is at least 1 so that it shows.
     */
    public static int width(double value, double max) {
        if (value <= 0 || max <= 0) {
            return 0;
        }
        int width = (int) Math.round(Math.min(value, max) * 100.0 / max);
        return Math.max(1, width);
    }

    /** The length of an NPS bar (−100…100) in its half of a diverging track: the magnitude in whole percent. */
    public static int npsHalf(double nps, boolean positiveHalf) {
        if (positiveHalf ? nps <= 0 : nps >= 0) {
            return 0;
        }
        return width(Math.abs(nps), 100);
    }
}
