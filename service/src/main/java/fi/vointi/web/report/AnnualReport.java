package fi.vointi.web.report;

import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports.Cell;
import fi.vointi.analytics.FeedbackReports.Statement;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/**
 * The figures of one annual customer-experience report: a node of the organisation (county, service area, service
 * or unit) and a calendar year, against the year before. Every {@link Cell} is exactly what the analytics API gives
 * for the same node, period and audience ({@code customer}): {@code /analytics/units/{id}/feedback} for the node and
 * {@code …/feedback/children} for each unit under it, suppressed the same way.
 *
 * @param thisYear      the node's whole year (total of the monthly report)
 * @param lastYear      the node's year before
 * @param months        the node's months of the year, January first
 * @param units         the node and every unit under it, parents first (depth-first)
 * @param channels      published responses per channel, this year and the year before
 * @param statements    each statement answered this year or the year before
 * @param minCellSize   k of the suppression rule
 */
public record AnnualReport(Unit node, int year, Cell thisYear, Cell lastYear, List<Cell> months, List<UnitRow> units,
                           List<ChannelRow> channels, List<StatementRow> statements, int minCellSize) {

    /** A unit of the subtree with its figures of both years; {@code depth} 0 is the node itself. */
    public record UnitRow(Unit unit, int depth, Cell thisYear, Cell lastYear) {
    }

    /** Published responses of one channel ({@code qr}, {@code sms}, {@code web}, {@code kiosk}, {@code import}). */
    public record ChannelRow(String channel, long thisYear, long lastYear) {
    }

    /** A statement with its text in the report's language and its figures of both years (null: none that year). */
    public record StatementRow(String id, String text, @Nullable Statement thisYear, @Nullable Statement lastYear) {
    }

    /** The channels in the order the report lists them. */
    public static final List<String> CHANNEL_ORDER = List.of("qr", "sms", "kiosk", "web", "import");

    static List<ChannelRow> channelRows(Map<String, Long> thisYear, Map<String, Long> lastYear) {
        List<String> order = new java.util.ArrayList<>(CHANNEL_ORDER);
        thisYear.keySet().stream().filter(c -> !order.contains(c)).sorted().forEach(order::add);
        lastYear.keySet().stream().filter(c -> !order.contains(c)).sorted().forEach(order::add);
        return order.stream()
                .map(c -> new ChannelRow(c, thisYear.getOrDefault(c, 0L), lastYear.getOrDefault(c, 0L)))
                // import is shown only when it was used: it is how old paper answers come in, not a channel people choose
                .filter(r -> !r.channel().equals("import") || r.thisYear() > 0 || r.lastYear() > 0)
                .toList();
    }
}
