package fi.vointi.web.manage;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** What the manager's pages ({@code src/main/jte/manage}) show: every text already in the page language. */
public final class ManageViews {
    private ManageViews() {
    }

    public record Option(String value, String label, boolean selected) {
    }

    /** The filter form (a plain GET form). */
    public record Filters(String action, List<Option> units, String from, String to, List<Option> granularities,
                          List<Option> audiences, List<String> errors) {
    }

    /**
     * One report cell as the page shows it. Texts are formatted for the page language ("" when absent); {@code raw*}
     * are the API's numbers as JSON writes them (for {@code data-value}, which tests compare with the API).
     */
    public record CellView(String label, boolean suppressed, boolean withheld, String responses, String npsN,
                           String nps, String rawNps, String lower, String rawLower, String upper, String rawUpper,
                           String promoters, String passives, String detractors, String promotersPct, String passivesPct,
                           String detractorsPct, String visits, String responseRate, String invitations,
                           String invitationRate, List<FeedbackCharts.Segment> split, String splitLabel) {
    }

    public record StatementView(String id, String text, String textLang, String n, String mean, String rawMean,
                                String agree, String rawAgree, List<String> distribution, String cantSay,
                                List<FeedbackCharts.Segment> segments, String barLabel) {
    }

    public record ChildRow(String name, String href, CellView cell, @Nullable FeedbackCharts.Marker marker, String markerLabel) {
    }

    public record Trend(FeedbackCharts.Trend geometry, String title, String description, List<String> tickTexts) {
    }

    public record FeedbackView(Filters filters, String unitName, String unitId, String period, String audience,
                               boolean widened, int minCellSize, @Nullable CellView total, @Nullable Trend trend,
                               List<CellView> series, List<StatementView> statements, List<ChildRow> children,
                               boolean openTextAvailable, List<String> comments, String openTextReason, String promsHref) {
    }

    /** One row of the PROM usage table. */
    public record PromRow(String unitName, String questionnaire, String questionnaireLang, String month, boolean suppressed,
                          String invited, String started, String completed, String completionRate, String medianHours,
                          String adaptiveLength, String visits, String perVisits) {
    }

    public record UsabilityRow(String unitName, String month, boolean suppressed, String answers, String mean) {
    }

    public record PromsView(Filters filters, String unitName, String period, int minCellSize, List<PromRow> rows,
                            List<UsabilityRow> usability, String csvHref, String feedbackHref) {
    }

    /** One failed message: never its address or text; the error with address-like parts masked. */
    public record FailureRow(String id, String channel, String purpose, String attempts, String failedAt, String error) {
    }

    /** Messages created on one day through one channel; {@code rawAccepted} is the accepted % as a plain number. */
    public record DeliveryRow(String day, String isoDay, String channel, String channelCode, String created, String waiting,
                              String sent, String delivered, String failed, String cancelled, String acceptedPercent,
                              String deliveredPercent, String rawAccepted) {
    }

    public record MessagingView(String queued, String held, String retrying, String sent, String delivered, String failed,
                                String cancelled, String lag, String lagSeconds, List<FailureRow> failures,
                                List<DeliveryRow> days, int dayCount) {
    }

    /** One round of a recurring survey on the rounds page. */
    public record RoundRow(String number, String window, String months, String state, CellView cell, String change,
                           String rawChange) {
    }

    /** A statement's mean per round ("" where the round shows none). */
    public record StatementRounds(String id, String text, String textLang, List<String> means, List<String> rawMeans,
                                  List<String> ns) {
    }

    public record RoundsView(Filters filters, List<Option> surveys, String unitName, String survey, String audience,
                             String cycleText, int minCellSize, List<RoundRow> rounds, List<StatementRounds> statements,
                             String apiHref, String message) {
    }
}
