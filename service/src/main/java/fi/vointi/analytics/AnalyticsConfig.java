package fi.vointi.analytics;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code vointi.analytics.*}: see docs/analytics.md. */
@ConfigurationProperties("vointi.analytics")
public class AnalyticsConfig {
    /** Cells with 1 … min-cell-size − 1 answers are suppressed. */
    private int minCellSize = 5;
    /** Open-text comments of a group are offered only when the group has at least this many answers. */
    private int openTextMinAnswers = 5;

    public int getMinCellSize() {
        return minCellSize;
    }

    public void setMinCellSize(int minCellSize) {
        this.minCellSize = minCellSize;
    }

    public int getOpenTextMinAnswers() {
        return openTextMinAnswers;
    }

    public void setOpenTextMinAnswers(int openTextMinAnswers) {
        this.openTextMinAnswers = openTextMinAnswers;
    }
}
