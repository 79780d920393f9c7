package fi.vointi.cat;

/**
 * One row of a summed-score conversion table.
 *
 * @param rawSum              raw summed score (with the category score offset applied)
 * @param theta               EAP[theta | sum]
 * @param standardError       posterior SD of theta given the sum
 * @param scaleScore          theta on the reporting scale (e.g. T-score)
 * @param scaleStandardError  SE on the reporting scale
 * @param probability         expected proportion of respondents with this sum under the prior
 */
public record SumScoreRow(int rawSum, double theta, double standardError, double scaleScore,
                          double scaleStandardError, double probability) {
}
