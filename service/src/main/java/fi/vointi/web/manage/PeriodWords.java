package fi.vointi.web.manage;

import java.time.Period;
import java.util.ArrayList;
import java.util.List;

/**
 * A survey cycle's periods in words for people (the rounds page): "every year" / "joka vuosi" / "varje år" and "4
 * weeks" / "4 viikkoa" / "4 veckor" instead of the ISO {@code P1Y} and {@code P28D} that machines get from the JSON
 * API. Months beyond a year are years (P18M is 1 year and 6 months); days that make whole weeks are weeks (P28D, P4W).
 * Pure: no framework, tested directly ({@code PeriodWordsTest}). Languages fi, sv and en; anything else is English.
 */
public final class PeriodWords {
    private PeriodWords() {
    }

    private enum Unit {
        YEAR("year", "years", "vuosi", "vuotta", "vuoden", "år", "år", "ett år", true),
        MONTH("month", "months", "kuukausi", "kuukautta", "kuukauden", "månad", "månader", "en månad", false),
        WEEK("week", "weeks", "viikko", "viikkoa", "viikon", "vecka", "veckor", "en vecka", false),
        DAY("day", "days", "päivä", "päivää", "päivän", "dag", "dagar", "en dag", false);

        final String en;
        final String enPlural;
        final String fi;
        final String fiPartitive;
        final String fiGenitive;
        final String sv;
        final String svPlural;
        final String svOne;
        final boolean svNeuter;

        Unit(String en, String enPlural, String fi, String fiPartitive, String fiGenitive, String sv, String svPlural,
             String svOne, boolean svNeuter) {
            this.en = en;
            this.enPlural = enPlural;
            this.fi = fi;
            this.fiPartitive = fiPartitive;
            this.fiGenitive = fiGenitive;
            this.sv = sv;
            this.svPlural = svPlural;
            this.svOne = svOne;
            this.svNeuter = svNeuter;
        }
    }

    private record Part(long n, Unit unit) {
    }

    /** How often: "every year", "every 2 weeks"; "joka vuosi", "2 viikon välein"; "varje år", "var 2:a vecka". */
    public static String every(Period period, String language) {
        List<Part> parts = parts(period);
        Part only = parts.size() == 1 ? parts.get(0) : null;
        return switch (language) {
            case "fi" -> only != null && only.n() == 1 ? "joka " + only.unit().fi
                    : join(parts.stream().map(p -> p.n() + " " + p.unit().fiGenitive).toList(), " ja ") + " välein";
            case "sv" -> only == null ? svCombined(period)
                    : only.n() == 1 ? "varje " + only.unit().sv
                    : (only.unit().svNeuter ? "vart " : "var ") + ordinalSv(only.n()) + " " + only.unit().sv;
            default -> only != null && only.n() == 1 ? "every " + only.unit().en : "every " + during(period, "en");
        };
    }

    /** How long: "4 weeks", "one year"; "4 viikkoa", "vuoden" (as in "auki vuoden"); "4 veckor", "ett år". */
    public static String during(Period period, String language) {
        List<String> words = new ArrayList<>();
        for (Part p : parts(period)) {
            words.add(switch (language) {
                case "fi" -> p.n() == 1 ? p.unit().fiGenitive : p.n() + " " + p.unit().fiPartitive;
                case "sv" -> p.n() == 1 ? p.unit().svOne : p.n() + " " + p.unit().svPlural;
                default -> p.n() == 1 ? "one " + p.unit().en : p.n() + " " + p.unit().enPlural;
            });
        }
        return join(words, switch (language) {
            case "fi" -> " ja ";
            case "sv" -> " och ";
            default -> " and ";
        });
    }

    /** The non-zero parts, largest first; months beyond a year counted as years, days making whole weeks as weeks. */
    private static List<Part> parts(Period period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a survey cycle's periods are positive, not " + period);
        }
        Period p = period.normalized();
        List<Part> parts = new ArrayList<>();
        if (p.getYears() > 0) {
            parts.add(new Part(p.getYears(), Unit.YEAR));
        }
        if (p.getMonths() > 0) {
            parts.add(new Part(p.getMonths(), Unit.MONTH));
        }
        int days = p.getDays();
        if (days % 7 == 0 && days > 0) { // 28 days are 4 weeks, 10 days stay 10 days
            parts.add(new Part(days / 7, Unit.WEEK));
            days %= 7;
        }
        if (days > 0) {
            parts.add(new Part(days, Unit.DAY));
        }
        return parts;
    }

    /** Swedish has no neat "every 1 year and 6 months": whole years and months as months, anything else as a gap. */
    private static String svCombined(Period period) {
        Period p = period.normalized();
        return p.getDays() == 0 ? "var " + ordinalSv(p.toTotalMonths()) + " " + Unit.MONTH.sv
                : "med ett mellanrum på " + during(period, "sv");
    }

    /** 2:a, 3:e, 21:a, 11:e, 12:e (Swedish ordinals in figures). */
    private static String ordinalSv(long n) {
        long lastTwo = n % 100;
        long last = n % 10;
        return n + ((last == 1 || last == 2) && lastTwo != 11 && lastTwo != 12 ? ":a" : ":e");
    }

    private static String join(List<String> words, String and) {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + and + words.get(words.size() - 1);
    }
}
