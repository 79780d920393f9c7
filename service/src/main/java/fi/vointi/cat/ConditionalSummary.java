package fi.vointi.cat;

/**
 * Simulation results for all respondents sharing one true theta (conditional bias and RMSE).
 *
 * @param trueTheta        generating theta
 * @param respondents      number of simulated respondents at this theta
 * @param meanTestLength   mean CAT length
 * @param bias             mean of (estimate - true)
 * @param rmse             root mean squared error
 * @param meanStandardError mean reported SE
 */
public record ConditionalSummary(double trueTheta, int respondents, double meanTestLength, double bias, double rmse,
                                 double meanStandardError) {
}
