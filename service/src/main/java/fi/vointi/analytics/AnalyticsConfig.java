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
        if (minCellSize < 2) {
            // 1 would publish single answers: suppression must not be switchable off by configuration
            throw new IllegalArgumentException("vointi.analytics.min-cell-size must be at least 2, was " + minCellSize);
        }
        this.minCellSize = minCellSize;
    }

    public int getOpenTextMinAnswers() {
        return openTextMinAnswers;
    }

    public void setOpenTextMinAnswers(int openTextMinAnswers) {
        if (openTextMinAnswers < 2) {
            throw new IllegalArgumentException("vointi.analytics.open-text-min-answers must be at least 2, was " + openTextMinAnswers);
        }
        this.openTextMinAnswers = openTextMinAnswers;
    }
}
