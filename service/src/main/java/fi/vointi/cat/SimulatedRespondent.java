package fi.vointi.cat;

/**
 * One simulated respondent.
 *
 * @param trueTheta             generating theta
 * @param catTheta              CAT estimate at its stop
 * @param catStandardError      SE of the CAT estimate
 * @param fullBankTheta         EAP from the same simulated person's answers to every bank item
 * @param fullBankStandardError posterior SD of the full-bank EAP
 * @param itemsAdministered     CAT length
 * @param stopReason            why the CAT stopped
 * @param items                 the items asked, in order
 */
public record SimulatedRespondent(double trueTheta, double catTheta, double catStandardError, double fullBankTheta,
                                  double fullBankStandardError, int itemsAdministered, StopReason stopReason,
                                  java.util.List<String> items) {

    public SimulatedRespondent {
        items = java.util.List.copyOf(items);
    }
}
