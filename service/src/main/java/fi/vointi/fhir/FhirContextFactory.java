package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** One FhirContext for the whole service: it is expensive to build and thread-safe once built. */
@Factory
public class FhirContextFactory {

    @Singleton
    public FhirContext fhirContext() {
        FhirContext context = FhirContext.forR4Cached();
        // An extracted score names the exact response version it was computed from (amendments make new ones).
        context.getParserOptions().setDontStripVersionsFromReferencesAtPaths("Observation.derivedFrom");
        return context;
    }
}
