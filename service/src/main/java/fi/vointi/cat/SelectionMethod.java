package fi.vointi.cat;

/** Item selection criterion. */
public enum SelectionMethod {
    /** Maximum Fisher information at the current theta estimate (MFI). */
    MAX_INFO,
    /** Maximum posterior-weighted information, sum_q posterior_q I_i(theta_q) (MPWI; van der Linden 1998). */
    MAX_POSTERIOR_INFO
}
