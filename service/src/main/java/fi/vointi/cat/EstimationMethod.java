package fi.vointi.cat;

/** How theta is estimated from the posterior. */
public enum EstimationMethod {
    /** Expected a posteriori: posterior mean over the quadrature grid, SE = posterior SD (Bock &amp; Mislevy 1982). */
    EAP,
    /** Maximum a posteriori: posterior mode, SE = 1 / sqrt(test information + 1/priorSd^2). */
    MAP
}
