package fi.vointi.cat;

import java.util.List;
import java.util.Map;

/**
 * Aggregate CAT simulation results.
 *
 * @param respondents             number of simulated respondents
 * @param meanTestLength          mean number of items administered
 * @param bias                    mean of (CAT estimate - true theta)
 * @param rmse                    root mean squared error of the CAT estimate
 * @param correlationWithFullBank Pearson correlation of CAT and full-bank EAP estimates (NaN if undefined,
 *                                e.g. fewer than two respondents or no variance)
 * @param stopReasons             count of respondents per stop reason
 * @param byTrueTheta             conditional summaries, one per distinct true theta in first-seen order
 * @param rows                    every respondent, in simulation order
 * @param exposure                how often each item was asked
 */
public record SimulationReport(int respondents, double meanTestLength, double bias, double rmse,
                               double correlationWithFullBank, Map<StopReason, Integer> stopReasons,
                               List<ConditionalSummary> byTrueTheta, List<SimulatedRespondent> rows,
                               ExposureSummary exposure) {

    public SimulationReport {
        stopReasons = Map.copyOf(stopReasons);
        byTrueTheta = List.copyOf(byTrueTheta);
        rows = List.copyOf(rows);
    }
}
