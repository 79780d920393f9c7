package fi.vointi.observations;

import fi.vointi.security.AccessPolicy;

/**
 * A current Observation row with the facts of the response it was derived from, which decide who may read it.
 */
record StoredObservation(String id, int versionId, String responseId, String scoreKey, String status,
                         String resourceJson, AccessPolicy.ResponseFacts responseFacts) {
}
