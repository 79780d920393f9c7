package fi.vointi.responses;

import io.micronaut.core.annotation.Nullable;

/**
 * What every anonymous answer must pass before it is stored, whatever the path (FHIR, a unit's link, a kiosk), token
 * or role: its {@code service-unit} must be a unit that takes feedback, and a live answer counts against the one
 * anonymous-answering rate limit. Implemented by the feedback package, which knows units and client addresses; it
 * also marks the request's audit row as that of an anonymous answer (no agent, no address, the hour only).
 */
public interface AnonymousAdmission {
    /** The current request stores (or tries to store) an anonymous answer: audit it as such, refusals included. */
    void anonymousRequest();

    /**
     * @param unitRef the response's service-unit reference ({@code Organization/x}) or null
     * @param live    answered now (not an import of earlier answers)
     * @throws fi.vointi.fhir.FhirException 422 for a unit that takes no feedback, 429 (with Retry-After) over the limit
     */
    void admit(@Nullable String unitRef, boolean live);
}
