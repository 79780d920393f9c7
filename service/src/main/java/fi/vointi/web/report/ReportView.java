package fi.vointi.web.report;

import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports.Cell;
import fi.vointi.analytics.FeedbackReports.Statement;
import fi.vointi.web.Messages;
import io.micronaut.core.annotation.Nullable;

import java.time.Month;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * What the report's templates print (the page and the PDF share one body, report/body.jte): the report and its
 * figures written in the page's language. A suppressed cell reads "not published"; a shown cell some of whose
 * answers were withheld carries a "*" explained under the tables.
 *
 * @param pdf whether this is the PDF (no links to itself, the PDF's own heading)
 */
public record ReportView(AnnualReport report, String lang, String title, String htmlHref, String pdfHref,
                         String generated, boolean pdf) {
    private static final String NONE = "–";

    /** A text of the page language; numbers go in as written (a year is 2025, not MessageFormat's "2 025"). */
    public String t(String key, Object... args) {
        return text(lang, key, args);
    }

    static String text(String lang, String key, Object... args) {
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = args[i] instanceof Number ? args[i].toString() : args[i];
        }
        return Messages.get(lang, key, plain);
    }

    public int lastYear() {
        return report.year() - 1;
    }

    public boolean suppressed(@Nullable Cell cell) {
        return cell != null && cell.suppression() != null;
    }

    /** "*" when some answers of a shown cell are in withheld atomic cells, otherwise nothing. */
    public String mark(@Nullable Cell cell) {
        return cell != null && cell.suppression() == null && cell.withheld() ? "*" : "";
    }

    public boolean anyWithheld() {
        if (report.thisYear().withheld() || report.lastYear().withheld()) {
            return true;
        }
        return report.units().stream().anyMatch(r -> r.thisYear() != null && r.thisYear().withheld()
                || r.lastYear() != null && r.lastYear().withheld());
    }

    public String responses(@Nullable Cell cell) {
        if (cell == null) {
            return NONE;
        }
        return suppressed(cell) ? t("report.withheld") : cell.responses() + mark(cell);
    }

    public String nps(@Nullable Cell cell) {
        if (cell == null) {
            return NONE;
        }
        if (suppressed(cell)) {
            return t("report.withheld");
        }
        return cell.nps() == null ? NONE : ReportNumbers.decimal(cell.nps().score(), lang) + mark(cell);
    }

    public String interval(@Nullable Cell cell) {
        if (cell == null || suppressed(cell)) {
            return suppressed(cell) ? t("report.withheld") : NONE;
        }
        return cell.nps() == null ? NONE : ReportNumbers.decimal(cell.nps().lower(), lang) + " … "
                + ReportNumbers.decimal(cell.nps().upper(), lang);
    }

    public String promoters(@Nullable Cell cell) {
        return npsPart(cell, 'p');
    }

    public String passives(@Nullable Cell cell) {
        return npsPart(cell, 'n');
    }

    public String detractors(@Nullable Cell cell) {
        return npsPart(cell, 'd');
    }

    private String npsPart(@Nullable Cell cell, char which) {
        if (cell == null || suppressed(cell)) {
            return suppressed(cell) ? t("report.withheld") : NONE;
        }
        if (cell.nps() == null) {
            return NONE;
        }
        return Long.toString(switch (which) {
            case 'p' -> cell.nps().promoters();
            case 'n' -> cell.nps().passives();
            default -> cell.nps().detractors();
        });
    }

    public String visits(@Nullable Cell cell) {
        return cell == null || cell.visits() == null ? NONE : Long.toString(cell.visits());
    }

    public String responseRate(@Nullable Cell cell) {
        return cell == null || cell.responseRate() == null ? NONE : ReportNumbers.decimal(cell.responseRate(), lang);
    }

    /** The NPS of this year minus the year before, when both are published. */
    public String npsChange(@Nullable Cell now, @Nullable Cell before) {
        Double change = ReportNumbers.change(score(now), score(before));
        return change == null ? NONE : ReportNumbers.signed(change, lang);
    }

    public String responsesChange(@Nullable Cell now, @Nullable Cell before) {
        if (now == null || before == null || suppressed(now) || suppressed(before)) {
            return NONE;
        }
        return ReportNumbers.signed(now.responses() - before.responses(), lang);
    }

    @Nullable
    private static Double score(@Nullable Cell cell) {
        return cell == null || cell.suppression() != null || cell.nps() == null ? null : cell.nps().score();
    }

    /** The month of a monthly cell, as the language names it ("maaliskuu", "mars", "March"). */
    public String month(Cell cell) {
        String name = Month.of(cell.from().getMonthValue()).getDisplayName(TextStyle.FULL_STANDALONE, Locale.forLanguageTag(lang));
        return name.substring(0, 1).toUpperCase(Locale.forLanguageTag(lang)) + name.substring(1);
    }

    /** Bar length of a month's responses against the busiest month. */
    public int monthWidth(Cell cell) {
        long max = report.months().stream().filter(c -> c.responses() != null).mapToLong(Cell::responses).max().orElse(0);
        return cell.responses() == null ? 0 : ReportNumbers.width(cell.responses(), max);
    }

    public int npsNegative(@Nullable Cell cell) {
        Double score = score(cell);
        return score == null ? 0 : ReportNumbers.npsHalf(score, false);
    }

    public int npsPositive(@Nullable Cell cell) {
        Double score = score(cell);
        return score == null ? 0 : ReportNumbers.npsHalf(score, true);
    }

    public String kind(Unit unit) {
        return switch (unit.kind()) {
            case "county", "area", "service", "unit" -> t("report.kind." + unit.kind());
            default -> unit.kind();
        };
    }

    public String channel(String code) {
        return switch (code) {
            case "qr", "sms", "kiosk", "web", "import" -> t("report.channel." + code);
            default -> code;
        };
    }

    /** A channel's share of the year's published responses, in percent. */
    public String share(long count, Cell total) {
        if (suppressed(total) || total.responses() == null) {
            return NONE;
        }
        Double share = ReportNumbers.percent(count, total.responses());
        return share == null ? NONE : ReportNumbers.decimal(share, lang);
    }

    public int channelWidth(long count) {
        Long total = report.thisYear().responses();
        return total == null ? 0 : ReportNumbers.width(count, total);
    }

    public String agree(@Nullable Statement statement) {
        return statement == null || statement.agreePercent() == null ? NONE : ReportNumbers.decimal(statement.agreePercent(), lang);
    }

    public String mean(@Nullable Statement statement) {
        return statement == null || statement.mean() == null ? NONE : ReportNumbers.decimal(statement.mean(), lang);
    }

    public String answers(@Nullable Statement statement) {
        return statement == null ? NONE : Long.toString(statement.n());
    }

    public String agreeChange(@Nullable Statement now, @Nullable Statement before) {
        Double change = ReportNumbers.change(now == null ? null : now.agreePercent(), before == null ? null : before.agreePercent());
        return change == null ? NONE : ReportNumbers.signed(change, lang);
    }

    public int agreeWidth(@Nullable Statement statement) {
        return statement == null || statement.agreePercent() == null ? 0 : ReportNumbers.width(statement.agreePercent(), 100);
    }
}
