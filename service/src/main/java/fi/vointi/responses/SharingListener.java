package fi.vointi.responses;

import fi.vointi.security.AccessPolicy;

/**
 * Told of every sharing decision inside the transaction that records it (subscription events): an exception thrown
 * here rolls the decision back, so what listeners derive never disagrees with the decision.
 */
public interface SharingListener {
    /**
     * @param decision the decision just recorded
     * @param before   the response's facts before the decision (whether it was shared)
     * @param after    the response's facts with the decision applied (shared or not)
     */
    void decided(SharingService.Decision decision, AccessPolicy.ResponseFacts before, AccessPolicy.ResponseFacts after);
}
